package org.linkrescue.migrate.stream;

/**
 * The one place every stage reports what went wrong, graded the way libarchive grades it. A
 * stage never decides alone that a problem ends the run: it reports and goes on, unless the
 * problem is FATAL (the target cannot be written), which it also throws.
 */
public interface Problems {
    enum Grade {
        /** Made, but something about it not restored (e.g. owner as non-root). */
        WARN,
        /** This path was not made or not read; the run goes on. */
        FAILED,
        /** The run cannot go on (target full or unwritable). */
        FATAL
    }

    /**
     * @param path   the path concerned (raw bytes, relative to the tree), or null
     * @param what   one line: what happened and why, e.g. "open: EACCES (Permission denied)"
     */
    void report(Grade grade, byte[] path, String what);
}
