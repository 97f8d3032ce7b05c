package org.linkrescue.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.Summary;
import org.linkrescue.migrate.verify.Tally;

/**
 * A progress line for verify and scan (paths walked, bytes read, rate), redrawn twice a second
 * on a terminal; problem lines are printed above it. Not used when stderr is not a terminal.
 */
final class WalkProgress implements ProblemLog.LineGuard, AutoCloseable {
    private final PrintStream err;
    private final Tally tally;
    private final String verb;
    private final ProblemLog problems;
    private final Thread ticker;
    private final long start = System.nanoTime();
    private volatile boolean running = true;
    private boolean shown;

    private WalkProgress(PrintStream err, Tally tally, String verb, ProblemLog problems) {
        this.err = err;
        this.tally = tally;
        this.verb = verb;
        this.problems = problems;
        problems.setLineGuard(this);
        ticker = new Thread(this::tick, "linkrescue-progress");
        ticker.setDaemon(true);
        ticker.start();
    }

    /** A progress line when console's stderr is a terminal and not quiet, else null. */
    static WalkProgress startIf(Console console, boolean quiet, Tally tally, String verb, ProblemLog problems) {
        return console.terminal() && !quiet ? new WalkProgress(console.err(), tally, verb, problems) : null;
    }

    private void tick() {
        while (running) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
            String line = line();
            synchronized (this) {
                if (!running) return;
                err.print("\r\033[K" + line);
                err.flush();
                shown = true;
            }
        }
    }

    String line() {
        double s = (System.nanoTime() - start) / 1e9;
        long bytes = tally.bytes();
        return String.format(Locale.ROOT, "%s: %,d paths, %s read, %s/s, %d errors", verb, tally.paths(),
                Summary.bytes(bytes), Summary.bytes((long) (s > 0 ? bytes / s : 0)), problems.errors());
    }

    @Override public synchronized void beforeLine() {
        if (shown) err.print("\r\033[K");
        shown = false;
    }

    @Override public void afterLine() {}

    @Override public synchronized void close() {
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
