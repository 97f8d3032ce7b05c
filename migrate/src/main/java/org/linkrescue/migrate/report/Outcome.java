package org.linkrescue.migrate.report;

/** How a run turned out; the cli maps it to an exit code. */
public enum Outcome {
    /** Every path, byte and link came through (warnings allowed, e.g. a socket left out). */
    COMPLETE,
    /** The run finished, but some paths were not saved or some bytes were lost (zero-filled). */
    INCOMPLETE,
    /**
     * A fatal error stopped the run before its end (target full or unwritable, source root
     * unreadable, out of memory): what was written is not the whole tree.
     */
    FAILED;

    public static Outcome of(ProblemLog problems, RunTotals totals, boolean extraLoss) {
        return problems.errors() > 0 || totals.damagedInodes() > 0 || extraLoss ? INCOMPLETE : COMPLETE;
    }
}
