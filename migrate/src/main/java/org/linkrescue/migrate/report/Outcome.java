package org.linkrescue.migrate.report;

/** How a run that reached its end turned out; the cli maps it to an exit code. */
public enum Outcome {
    /** Every path, byte and link came through (warnings allowed, e.g. a socket left out). */
    COMPLETE,
    /** The run finished, but some paths were not saved or some bytes were lost (zero-filled). */
    INCOMPLETE;

    public static Outcome of(ProblemLog problems, RunTotals totals, boolean extraLoss) {
        return problems.errors() > 0 || totals.damagedInodes() > 0 || extraLoss ? INCOMPLETE : COMPLETE;
    }
}
