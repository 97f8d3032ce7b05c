package org.linkrescue.cli;

import java.io.PrintStream;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.report.ProblemLog;

/**
 * One status line at the bottom of a terminal, redrawn twice a second from a text supplier
 * given the terminal's width, asked afresh at each redraw (a resized window is followed); the
 * text never reaches the last column, so it never wraps and every redraw clears all of it.
 * Problem lines are printed above it (it clears itself first). The progress displays of every
 * command share it; they only say what the line reads.
 */
final class TerminalLine implements ProblemLog.LineGuard, AutoCloseable {
    private static final long TICK_MS = 500;

    private final PrintStream err;
    private final ProblemLog problems;
    private final IntFunction<String> text;
    private final IntSupplier columns;
    private final Thread ticker;
    private volatile boolean running = true;
    private boolean shown;

    /** @param text given the width, called on the ticker thread only, never under this line's lock */
    TerminalLine(PrintStream err, ProblemLog problems, IntFunction<String> text) {
        this(err, problems, text, TerminalLine::stderrColumns);
    }

    TerminalLine(PrintStream err, ProblemLog problems, IntFunction<String> text, IntSupplier columns) {
        this.err = err;
        this.problems = problems;
        this.text = text;
        this.columns = columns;
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
            String line = text.apply(columns.getAsInt());
            synchronized (this) {
                if (!running) return;
                err.print("\r\033[K" + line);
                err.flush();
                shown = true;
            }
        }
    }

    /**
     * A closing line for a terminal of this width: broken after ", " or "; " (else a space)
     * into lines that never reach the last column, the later ones indented. A line a terminal
     * wraps by itself breaks mid-word and leaves the cursor where the next redraw misplaces it.
     */
    static String wrap(String line, int columns) {
        int room = Math.max(20, columns - 1);
        StringBuilder out = new StringBuilder();
        String indent = "    ";
        String rest = line;
        while (rest.length() > room) {
            int cut = Math.max(rest.lastIndexOf(", ", room - 1), rest.lastIndexOf("; ", room - 1));
            if (cut > 0) cut += 1; // keep the comma or semicolon on this line
            else cut = rest.lastIndexOf(' ', room);
            if (cut <= indent.length()) cut = room;
            out.append(rest, 0, cut).append('\n');
            rest = indent + rest.substring(cut).stripLeading();
        }
        return out.append(rest).toString();
    }

    /** stderr's width now; else $COLUMNS; else 80. */
    static int stderrColumns() {
        int c = Posix.terminalColumns(2);
        if (c > 0) return c;
        try {
            c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", ""));
        } catch (NumberFormatException e) {
            c = -1;
        }
        return c > 0 ? c : 80;
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
