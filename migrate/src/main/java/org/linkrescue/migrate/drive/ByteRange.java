package org.linkrescue.migrate.drive;

/** Bytes [offset, offset + length) of one file. */
public record ByteRange(long offset, long length) {
    public ByteRange {
        if (offset < 0 || length <= 0) throw new IllegalArgumentException("range " + offset + "+" + length);
    }

    public long end() { return offset + length; }

    /** "4096-8191": first and last byte, inclusive, the way the report and PAX records write it. */
    @Override public String toString() { return offset + "-" + (end() - 1); }
}
