package org.linkrescue.migrate.drive;

/**
 * Where a range of a damaged file stands in a rescue in passes, with GNU ddrescue's names and
 * mapfile characters: a range is not tried yet, tried in a large read that failed (its edges
 * still to trim), trimmed (its middle still to scrape block by block), bad (every block of it
 * failed when read alone), or finished (read, or never to be read: a hole).
 */
public enum BlockStatus {
    /** Not read at all: skipped in pass 1, past a failed read (ddrescue '?'). */
    NON_TRIED('?'),
    /** Part of a large read that failed (or came back short), not read block by block yet ('*'). */
    NON_TRIMMED('*'),
    /** Between the bad blocks trimming found at its edges, not read block by block yet ('/'). */
    NON_SCRAPED('/'),
    /** Failed when read block by block; only retries read it again ('-'). */
    BAD('-'),
    /** Read (or a hole, never read): its bytes are the drive's ('+'). */
    FINISHED('+');

    public final char symbol;

    BlockStatus(char symbol) { this.symbol = symbol; }

    /** The status a mapfile character stands for. */
    public static BlockStatus of(char c) {
        for (BlockStatus s : values()) if (s.symbol == c) return s;
        throw new IllegalArgumentException("no block status '" + c + "' (one of ? * / - +)");
    }

    /** Not yet read block by block: the later passes still have work here. */
    public boolean untried() { return this == NON_TRIED || this == NON_TRIMMED || this == NON_SCRAPED; }
}
