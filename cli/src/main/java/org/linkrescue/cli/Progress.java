package org.linkrescue.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.report.Summary;

/**
 * One line on a terminal, redrawn twice a second: paths, bytes done of the expected total,
 * rate, errors so far, ETA. Problem lines are printed above it (it clears itself first). Only
 * used when stderr is a terminal and --quiet is not given.
 */
final class Progress implements ProblemLog.LineGuard, AutoCloseable {
    private static final long TICK_MS = 500;

    private final PrintStream err;
    private final RunTotals totals;
    private final ProblemLog problems;
    private final Thread ticker;
    private volatile boolean running = true;
    private boolean shown;
    private long lastBytes;
    private long lastNanos = System.nanoTime();
    private double rate; // bytes/s, smoothed

    Progress(PrintStream err, RunTotals totals, ProblemLog problems) {
        this.err = err;
        this.totals = totals;
        this.problems = problems;
        problems.setLineGuard(this);
        ticker = new Thread(this::tick, "linkrescue-progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    private void tick() {
        while (running) {
            try {
                Thread.sleep(TICK_MS);
            } catch (InterruptedException e) {
                return;
            }
            draw();
        }
    }

    private void draw() {
        // The line is built outside this object's lock: it asks the problem log, whose lock is
        // held while it calls beforeLine() here; taking both in the other order could deadlock.
        long now = System.nanoTime();
        long bytes = totals.bytes();
        double dt = (now - lastNanos) / 1e9;
        if (dt > 0) {
            double r = (bytes - lastBytes) / dt;
            rate = rate == 0 ? r : 0.7 * rate + 0.3 * r;
        }
        lastBytes = bytes;
        lastNanos = now;
        String text = line(bytes);
        synchronized (this) {
            if (!running) return;
            err.print("\r\033[K" + text);
            err.flush();
            shown = true;
        }
    }

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
        return sb.toString();
    }

    @Override
    public synchronized void beforeLine() {
        if (shown) err.print("\r\033[K");
        shown = false;
    }

    @Override
    public void afterLine() {}

    @Override
    public synchronized void close() {
        running = false;
        ticker.interrupt();
        problems.setLineGuard(null);
        if (shown) {
            err.print("\r\033[K");
            err.flush();
        }
        shown = false;
    }
}
