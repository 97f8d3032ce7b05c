package org.linkrescue.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.report.Summary;

/**
 * The progress line of archive, extract and migrate: paths, bytes done of the expected total,
 * rate, errors so far, ETA. Only used when stderr is a terminal and --quiet is not given.
 */
final class Progress implements AutoCloseable {
    private final RunTotals totals;
    private final ProblemLog problems;
    private final TerminalLine terminal;
    // Touched by the terminal line's ticker thread only.
    private long lastBytes;
    private long lastNanos = System.nanoTime();
    private double rate; // bytes/s, smoothed
    private volatile Supplier<String> rescue = () -> null;

    Progress(PrintStream err, RunTotals totals, ProblemLog problems) {
        this.totals = totals;
        this.problems = problems;
        this.terminal = new TerminalLine(err, problems, this::next);
    }

    private String next() {
        long now = System.nanoTime();
        long bytes = totals.bytes();
        double dt = (now - lastNanos) / 1e9;
        if (dt > 0) {
            double r = (bytes - lastBytes) / dt;
            rate = rate == 0 ? r : 0.7 * rate + 0.3 * r;
        }
        lastBytes = bytes;
        lastNanos = now;
        return line(bytes);
    }

    /** What the line ends with: a rescue in passes says its pass, untried and bad bytes. */
    void rescueStatus(Supplier<String> status) { rescue = status; }

    String line(long bytes) {
        long expected = totals.expectedBytes();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%,d paths  ", totals.paths()));
        sb.append(Summary.bytes(bytes));
        if (expected > 0) sb.append(" of ~").append(Summary.bytes(Math.max(expected, bytes)));
        sb.append("  ").append(Summary.bytes((long) rate)).append("/s");
        sb.append("  ").append(problems.errors()).append(" errors");
        if (expected > bytes && rate > 0) {
            long eta = (long) ((expected - bytes) / rate);
            sb.append(String.format(Locale.ROOT, "  ETA %d:%02d:%02d", eta / 3600, eta / 60 % 60, eta % 60));
        }
        String r = rescue.get();
        if (r != null) sb.append("  ").append(r);
        return sb.toString();
    }

    @Override
    public void close() {
        terminal.close();
    }
}
