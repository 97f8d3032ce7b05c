package org.linkrescue.migrate.report;

/** How a run turned out; the cli maps it to an exit code. */
public enum Outcome {
    /** Every path, byte and link came through (warnings allowed, e.g. a socket left out). */
    COMPLETE,
    /** The run finished, but some paths were not saved or some bytes were lost (zero-filled). */
    INCOMPLETE,
    /**
     * A fatal error stopped the run before its end (source root unreadable, out of memory, out
     * of file descriptors): what was written is not the whole tree. Its rescue map, when it
     * keeps one, resumes it once the cause is gone.
     */
    FAILED,
    /**
     * The run was stopped (SIGINT, SIGTERM, a full target) and can be resumed from its rescue
     * map: what it wrote is a part of the whole.
     */
    INTERRUPTED;

    public static Outcome of(ProblemLog problems, RunTotals totals, boolean extraLoss) {
        return problems.errors() > 0 || totals.damagedInodes() > 0 || extraLoss ? INCOMPLETE : COMPLETE;
    }
}
