package org.linkrescue.archive;

import java.io.IOException;

/**
 * Asked by a writer while it waits on work it can give up (xz blocks still compressing): once
 * {@link #check} throws, the work is dropped and its exception goes to the writer's caller. Why
 * a run gives up (a signal, a user's stop) is the caller's to know: the archive module only
 * passes its exception on. The writer sleeps until its work ends or {@link #onCancel} wakes it:
 * it never looks again on a timer.
 */
public interface Cancellation {
    /** Never gives up: the writer waits for its work to end. */
    Cancellation NONE = new Cancellation() {
        @Override public void check() { }

        @Override public Subscription onCancel(Runnable wake) { return () -> { }; }
    };

    /** Returns while the work is wanted; throws (the writer's caller gets it) once it is not. */
    void check() throws IOException;

    /**
     * Runs wake (on any thread, perhaps more than once) once {@link #check} would throw, at once
     * if it would now; until the result is closed.
     */
    Subscription onCancel(Runnable wake);

    /** Ends what {@link #onCancel} started. */
    interface Subscription extends AutoCloseable {
        @Override void close();
    }
}
