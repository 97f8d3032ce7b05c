package org.linkrescue.migrate.stream;

/**
 * A content ability ({@link Content#as}): a sink that writes the bytes after accept returns, on
 * a thread of its own, may take a handle on them that stays valid until it is closed. A content
 * whose bytes come from a stream the producer reads on, or from a drive that reading two files at
 * once would make seek, does not have it (or declines with null).
 */
public interface Retainable {
    /**
     * A handle on the same bytes, valid until it is closed, or null when the content must be
     * consumed inside accept after all. The sink closes the handle once done; the producer
     * still closes this content as usual.
     */
    Content retain();

    /**
     * Whether the consumption of these bytes has ended, so {@link Content#provenance()} is
     * final: true except while a handle that reads as it writes (a large file, read from the
     * drive on the sink's data thread) is still at work. Right after {@link #retain}, false
     * says the handle reads as it writes.
     */
    default boolean settled() { return true; }

    /** Whether c's consumption has ended: true for a content that cannot be retained at all. */
    static boolean settled(Content c) {
        Retainable r = c.as(Retainable.class);
        return r == null || r.settled();
    }
}
