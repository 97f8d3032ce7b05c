package org.linkrescue.cli;

import java.io.PrintStream;
import java.util.function.Supplier;
import org.linkrescue.migrate.report.ProblemLog;

/**
 * One status line at the bottom of a terminal, redrawn twice a second from a text supplier;
 * problem lines are printed above it (it clears itself first). The progress displays of every
 * command share it; they only say what the line reads.
 */
final class TerminalLine implements ProblemLog.LineGuard, AutoCloseable {
    private static final long TICK_MS = 500;

    private final PrintStream err;
    private final ProblemLog problems;
    private final Supplier<String> text;
    private final Thread ticker;
    private volatile boolean running = true;
    private boolean shown;

    /** @param text called on the ticker thread only, never under this line's lock */
    TerminalLine(PrintStream err, ProblemLog problems, Supplier<String> text) {
        this.err = err;
        this.problems = problems;
        this.text = text;
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
            // The text is built outside this object's lock: it asks the problem log, whose lock
            // is held while it calls beforeLine() here; taking both in the other order could
            // deadlock.
            String line = text.get();
            synchronized (this) {
                if (!running) return;
                err.print("\r\033[K" + line);
                err.flush();
                shown = true;
            }
        }
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
