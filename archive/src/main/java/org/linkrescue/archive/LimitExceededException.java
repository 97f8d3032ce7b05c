package org.linkrescue.archive;

/**
 * The archive declares more metadata for one entry than {@link ReadLimits} allow: refused
 * before the memory is taken. Like any {@link TarFormatException} the reader is done; the
 * caller may name the option that raises {@link #limit()}.
 */
public class LimitExceededException extends TarFormatException {
    private final ReadLimits.Limit limit;

    public LimitExceededException(ReadLimits.Limit limit, String message) {
        super(message);
        this.limit = limit;
    }

    public ReadLimits.Limit limit() { return limit; }
}
