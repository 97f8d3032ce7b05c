package org.linkrescue.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.report.Summary;

/**
 * The progress line of archive, extract and migrate: how far (percent, paths and bytes of the
 * expected totals), how fast, errors so far, and time left, which weighs paths as well as bytes
 * ({@link Eta}). The totals come from {@link RunTotals#expectedPaths()} and {@link
 * RunTotals#expectedBytes()} only, whoever estimates them. Only used when stderr is a terminal
 * and --quiet is not given.
 */
final class Progress implements AutoCloseable {
    private final RunTotals totals;
    private final ProblemLog problems;
    private final TerminalLine terminal;
    private final long startNanos = System.nanoTime();
    // Touched by the terminal line's ticker thread only.
    private final Eta eta = new Eta();
    private long lastBytes;
    private long lastNanos = startNanos;
    private double rate; // bytes/s, smoothed
    private volatile Supplier<String> rescue = () -> null;

    Progress(PrintStream err, RunTotals totals, ProblemLog problems) {
        this.totals = totals;
        this.problems = problems;
        this.terminal = new TerminalLine(err, problems, this::next);
    }

    private String next(int columns) {
        long now = System.nanoTime();
        long bytes = totals.bytes(), paths = totals.paths();
        double dt = (now - lastNanos) / 1e9;
        if (dt > 0) {
            double r = (bytes - lastBytes) / dt;
            rate = rate == 0 ? r : 0.7 * rate + 0.3 * r;
        }
        lastBytes = bytes;
        lastNanos = now;
        eta.observe(now, paths, bytes);
        return line(paths, bytes, now, columns);
    }

    /** What the line starts with: a rescue in passes says its pass, untried and bad bytes, last good read. */
    void rescueStatus(Supplier<String> status) { rescue = status; }

    String line(long paths, long bytes, long now, int columns) {
        long expectedBytes = totals.expectedBytes(), expectedPaths = totals.expectedPaths();
        StatusParts s = new StatusParts();
        // A rescue in passes: what ddrescue's status says (pass, untried and bad bytes, last good read) goes first and stays longest.
        s.add(0, rescue.get());
        long left = -1;
        double fraction = -1;
        if (expectedPaths > 0 || expectedBytes > 0) {
            long pathsLeft = expectedPaths > 0 ? expectedPaths - paths : 0, bytesLeft = expectedBytes > 0 ? expectedBytes - bytes : 0;
            left = eta.secondsLeft(pathsLeft, bytesLeft);
            fraction = eta.fractionDone(paths, bytes, pathsLeft, bytesLeft);
        }
        if (fraction >= 0) s.add(1, StatusParts.percent(fraction));
        s.add(0, expectedPaths > 0 ? String.format(Locale.ROOT, "%,d of ~%,d paths", paths, Math.max(paths, expectedPaths))
                : Summary.count(paths, "path"));
        s.add(3, expectedBytes > 0 ? Summary.bytes(bytes) + " of ~" + Summary.bytes(Math.max(expectedBytes, bytes)) : Summary.bytes(bytes));
        s.add(4, Summary.bytes((long) rate) + "/s");
        long errors = problems.errors();
        s.add(errors > 0 ? 1 : 5, Summary.count(errors, "error"));
        s.add(2, StatusParts.timeLeft(eta.idleSeconds(now), left));
        return s.fit(columns);
    }

    @Override
    public void close() {
        terminal.close();
    }
}
