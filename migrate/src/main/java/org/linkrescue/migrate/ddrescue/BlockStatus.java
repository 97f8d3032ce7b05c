package org.linkrescue.migrate.ddrescue;

/**
 * The status of one block of a GNU ddrescue mapfile (ddrescue manual, "Mapfile structure").
 * Only {@link #FINISHED} means the image holds what the drive holds; every other block is
 * zeros in the image (or whatever the image file held before), whatever a read of it returns.
 */
public enum BlockStatus {
    NON_TRIED('?', "non-tried"),
    NON_TRIMMED('*', "non-trimmed"),
    NON_SCRAPED('/', "non-scraped"),
    BAD_SECTOR('-', "bad sector"),
    FINISHED('+', "finished");

    private final char symbol;
    private final String meaning;

    BlockStatus(char symbol, String meaning) {
        this.symbol = symbol;
        this.meaning = meaning;
    }

    public char symbol() { return symbol; }

    /** "bad sector", as ddrescue's manual names it. */
    public String meaning() { return meaning; }

    public boolean rescued() { return this == FINISHED; }

    /** The status for a mapfile's character, or null when it is none. */
    static BlockStatus of(char c) {
        for (BlockStatus s : values()) if (s.symbol == c) return s;
        return null;
    }
}
