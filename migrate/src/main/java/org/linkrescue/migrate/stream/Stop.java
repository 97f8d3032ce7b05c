package org.linkrescue.migrate.stream;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A request to stop a run at the next entry boundary, and why: a signal (SIGINT, SIGTERM) or
 * the target filling up. The stages look at it where they wait or between entries: the scan
 * before each path, the read-ahead before handing on each entry, a large file's copy before
 * each chunk. What was in flight then settles, the rescue map gets its last checkpoint and the
 * run ends with {@link Stopped}. Requested from any thread (a signal handler's); the first
 * cause stays.
 */
public final class Stop {
    /** Why a run stopped, with the exit code it ends with. */
    public enum Cause {
        SIGINT(130, "interrupted (SIGINT)"),
        SIGTERM(143, "stopped (SIGTERM)");

        public final int exitCode;
        public final String what;

        Cause(int exitCode, String what) {
            this.exitCode = exitCode;
            this.what = what;
        }
    }

    private volatile Cause cause;
    private final List<Runnable> wakes = new CopyOnWriteArrayList<>();

    /** Asks the run to stop (waking whoever waits for it: {@link #onRequest}); returns false when it had been asked already. */
    public boolean request(Cause c) {
        synchronized (this) {
            if (cause != null) return false;
            cause = c;
        }
        for (Runnable w : wakes) w.run();
        return true;
    }

    /**
     * Runs wake once a stop is requested (on the requesting thread: keep it short, an unpark),
     * at once if one is; until the result is closed. For a stage that sleeps until its work is
     * done or a stop comes.
     */
    public Waking onRequest(Runnable wake) {
        wakes.add(wake);
        if (cause != null) wake.run();
        return () -> wakes.remove(wake);
    }

    /** Ends what {@link #onRequest} started. */
    public interface Waking extends AutoCloseable {
        @Override void close();
    }

    public boolean requested() { return cause != null; }

    public Cause cause() { return cause; }

    /** @throws Stopped when a stop was requested */
    public void check() throws Stopped {
        Cause c = cause;
        if (c != null) throw new Stopped(c);
    }

    /** The run stops because it was asked to: not an error of any entry, never reported as one. */
    public static final class Stopped extends IOException {
        private final Cause cause;

        public Stopped(Cause cause) {
            super(cause.what, null);
            this.cause = cause;
        }

        public Cause stopCause() { return cause; }
    }
}
