package org.linkrescue.migrate.drive;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a call that may be given up stands, agreed between the caller and the worker by
 * compare-and-set: a call past its point of no return (a chunk being written into the target,
 * a descriptor handed over) is no longer given up but waited for, and one given up never gets
 * there (it writes nothing, and closes what it opened itself).
 * <pre>
 *   QUEUED --start--> RUNNING --handOver--> HANDED_OVER
 *      \                 \
 *       cancel            giveUp
 *        \                 \
 *         +-----------------+--> GIVEN_UP
 * </pre>
 */
final class CallState extends AtomicInteger {
    private static final int QUEUED = 0, RUNNING = 1, HANDED_OVER = 2, GIVEN_UP = 3;

    /** A call that waits in a run until its worker takes it. */
    static CallState queued() { return new CallState(QUEUED); }

    /** A call its worker runs at once. */
    static CallState running() { return new CallState(RUNNING); }

    private CallState(int state) { super(state); }

    /** The worker takes a queued call: false when the caller gave it up first. */
    boolean start() { return compareAndSet(QUEUED, RUNNING); }

    /** The worker reaches the point of no return: false when the caller gave the call up first. */
    boolean handOver() { return compareAndSet(RUNNING, HANDED_OVER); }

    /** The caller gives up a call its worker has not taken yet: true when it never will. */
    boolean cancel() { return compareAndSet(QUEUED, GIVEN_UP); }

    /** The caller gives up a call queued or running: false when it is past the point of no return. */
    boolean giveUp() { return cancel() || compareAndSet(RUNNING, GIVEN_UP); }

    boolean isQueued() { return get() == QUEUED; }
}
