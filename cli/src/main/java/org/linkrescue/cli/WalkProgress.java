package org.linkrescue.cli;

import java.util.Locale;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.Summary;
import org.linkrescue.migrate.verify.Tally;

/**
 * The progress line of verify and scan: paths walked, bytes read, rate, errors. Only on a
 * terminal and without --quiet.
 */
final class WalkProgress {
    private WalkProgress() {}

    /** A progress line when console's stderr is a terminal and not quiet, else null. */
    static TerminalLine startIf(Console console, boolean quiet, Tally tally, String verb, ProblemLog problems) {
        if (!console.terminal() || quiet) return null;
        long start = System.nanoTime();
        return new TerminalLine(console.err(), problems, () -> line(verb, tally, problems, start));
    }

    static String line(String verb, Tally tally, ProblemLog problems, long startNanos) {
        double s = (System.nanoTime() - startNanos) / 1e9;
        long bytes = tally.bytes();
        return String.format(Locale.ROOT, "%s: %,d paths, %s read, %s/s, %d errors", verb, tally.paths(),
                Summary.bytes(bytes), Summary.bytes((long) (s > 0 ? bytes / s : 0)), problems.errors());
    }
}
