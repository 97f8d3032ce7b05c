package org.linkrescue.migrate.ddrescue;

/** One line of a mapfile's block list: bytes [pos, pos + size) of the rescued device, and their status. */
public record MapBlock(long pos, long size, BlockStatus status) {
    public MapBlock {
        if (pos < 0 || size < 0 || pos + size < pos) throw new IllegalArgumentException("block " + pos + "+" + size);
    }

    public long end() { return pos + size; }

    /** "0x842000+0x1000 (-, bad sector)": the mapfile's own numbers, for a person comparing with it. */
    @Override public String toString() {
        return "0x" + Long.toHexString(pos).toUpperCase() + "+0x" + Long.toHexString(size).toUpperCase()
                + " (" + status.symbol() + ", " + status.meaning() + ")";
    }
}
