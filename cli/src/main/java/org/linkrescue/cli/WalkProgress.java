package org.linkrescue.cli;

import java.util.Locale;
import java.util.function.LongSupplier;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.Summary;
import org.linkrescue.migrate.verify.Tally;

/**
 * The progress line of verify and scan: what the command is doing, paths walked, and where a
 * total is known (verify: TARGET's paths, counted on the healthy drive; an archive's size) how
 * far and how long to go; bytes and rate only for a command that reads data. Only on a
 * terminal and without --quiet.
 */
final class WalkProgress {
    /**
     * How the walk goes: the words, and the totals it is measured against (-1: unknown):
     * paths and bytes read, or another count (an archive's bytes consumed) against its total.
     */
    record Plan(String verb, String doing, boolean readsData, LongSupplier expectedPaths, LongSupplier expectedBytes,
                LongSupplier done, LongSupplier expectedDone) {
        /** @param doing what the verb is doing, shown while the terminal is wide enough */
        static Plan of(String verb, String doing, boolean readsData) {
            return new Plan(verb, doing, readsData, () -> -1, () -> -1, null, () -> -1);
        }

        Plan measuredBy(LongSupplier paths, LongSupplier bytes) { return new Plan(verb, doing, readsData, paths, bytes, done, expectedDone); }

        Plan measuredByCount(LongSupplier done, LongSupplier total) {
            return new Plan(verb, doing, readsData, expectedPaths, expectedBytes, done, total);
        }
    }

    private WalkProgress() {}

    /** A progress line when console's stderr is a terminal and not quiet, else null. */
    static TerminalLine startIf(Console console, boolean quiet, Tally tally, Plan plan, ProblemLog problems) {
        if (!console.terminal() || quiet) return null;
        long start = System.nanoTime();
        Eta eta = new Eta();
        return new TerminalLine(console.err(), problems, columns -> {
            long now = System.nanoTime();
            // Measured by another count (an archive's bytes), the time goes with that count alone.
            if (plan.done() == null) eta.observe(now, tally.paths(), tally.bytes());
            else eta.observe(now, 0, plan.done().getAsLong());
            return line(plan, tally, problems, start, now, eta, columns);
        });
    }

    static String line(Plan plan, Tally tally, ProblemLog problems, long startNanos, long now, Eta eta, int columns) {
        double s = (now - startNanos) / 1e9;
        long paths = tally.paths(), bytes = tally.bytes();
        long expectedPaths = plan.expectedPaths().getAsLong();
        long done = plan.done() == null ? -1 : plan.done().getAsLong(), total = plan.expectedDone().getAsLong();
        StatusParts parts = new StatusParts().add(0, plan.verb() + ":").add(6, plan.doing());
        long left = -1;
        double fraction = -1;
        if (done >= 0 && total > 0) {
            left = eta.secondsLeft(0, total - done);
            fraction = (double) done / total;
        } else if (expectedPaths > 0) {
            long expectedBytes = plan.expectedBytes().getAsLong();
            long bytesLeft = expectedBytes > 0 ? expectedBytes - bytes : 0;
            left = eta.secondsLeft(expectedPaths - paths, bytesLeft);
            fraction = eta.fractionDone(paths, bytes, expectedPaths - paths, bytesLeft);
        }
        if (fraction >= 0) parts.add(1, StatusParts.percent(fraction));
        parts.add(0, expectedPaths > 0 ? String.format(Locale.ROOT, "%,d of ~%,d paths", paths, Math.max(paths, expectedPaths))
                : Summary.count(paths, "path"));
        if (plan.readsData()) {
            parts.add(3, Summary.bytes(bytes) + " read");
            parts.add(4, Summary.bytes((long) (s > 0 ? bytes / s : 0)) + "/s");
        }
        long errors = problems.errors();
        parts.add(errors > 0 ? 1 : 5, Summary.count(errors, "error"));
        parts.add(2, StatusParts.timeLeft(eta.idleSeconds(now), left));
        return parts.fit(columns);
    }
}
