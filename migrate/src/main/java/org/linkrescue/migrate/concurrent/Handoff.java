package org.linkrescue.migrate.concurrent;

import java.util.concurrent.locks.LockSupport;

/**
 * A bounded queue from one producer thread to one consumer thread that wakes the other side
 * rarely. A blocking queue signals the consumer on every element whenever it is waiting, and a
 * snapshot tree streams a couple of hundred thousand tiny entries (mostly hard links): that was
 * ~2 futex calls and one context switch per entry, on a machine that may have two cores.
 *
 * Here a waiting consumer sleeps in short timed parks and is woken early only when a good part
 * of the queue is ready ({@code wakeAt} elements); a producer waiting for room is woken only
 * when half the queue is free. So an element waits at most one park period ({@code pollNanos})
 * before a sleeping consumer sees it, even when the producer stalls (a dying drive), and the
 * common case costs no system call at all.
 *
 * Exactly one thread may call {@link #put}, and exactly one other thread {@link #take}.
 */
public final class Handoff<T> {
    private final Object[] slots;
    private final int mask;
    private final int wakeAt;
    private final long pollNanos;
    private volatile long head; // next slot to take; written by the consumer only
    private volatile long tail; // next slot to fill; written by the producer only
    private volatile Thread sleepingConsumer, sleepingProducer;

    /**
     * @param capacity  elements held at most (rounded up to a power of two)
     * @param wakeAt    ready elements that justify waking a sleeping consumer at once
     * @param pollNanos longest a sleeping consumer (or a producer waiting for room) sleeps
     *                  before it looks again by itself
     */
    public Handoff(int capacity, int wakeAt, long pollNanos) {
        int cap = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        this.slots = new Object[cap];
        this.mask = cap - 1;
        this.wakeAt = Math.max(1, Math.min(wakeAt, cap));
        this.pollNanos = pollNanos;
    }

    /**
     * Adds t, waiting while the queue is full. Returns false without adding it when the wait
     * exceeded maxWaitNanos (the caller checks whether the consumer died, and tries again).
     */
    public boolean put(T t, long maxWaitNanos) {
        long tl = tail;
        if (tl - head > mask) {
            long deadline = System.nanoTime() + maxWaitNanos;
            while (tl - head > mask) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                sleepingProducer = Thread.currentThread();
                if (tl - head > mask) LockSupport.parkNanos(this, Math.min(left, pollNanos));
                sleepingProducer = null;
            }
        }
        slots[(int) tl & mask] = t;
        tail = tl + 1;
        Thread c = sleepingConsumer;
        if (c != null && tl + 1 - head >= wakeAt) LockSupport.unpark(c);
        return true;
    }

    /** Wakes a sleeping consumer now whatever the queue holds (the producer will add nothing for a while). */
    public void nudge() {
        Thread c = sleepingConsumer;
        if (c != null && tail != head) LockSupport.unpark(c);
    }

    /** Takes the next element, waiting as long as it takes. */
    public T take() throws InterruptedException {
        long hd = head;
        while (tail == hd) {
            sleepingConsumer = Thread.currentThread();
            if (tail == hd) LockSupport.parkNanos(this, pollNanos);
            sleepingConsumer = null;
            if (Thread.interrupted()) throw new InterruptedException();
        }
        return removeAt(hd);
    }

    /**
     * {@link #take}, but while the queue is empty it also asks other (each time it wakes, at most
     * pollNanos apart) and returns what that gives: work a consumer may share with others.
     */
    public T takeOr(java.util.function.Supplier<T> other) throws InterruptedException {
        long hd = head;
        while (tail == hd) {
            T o = other.get();
            if (o != null) return o;
            sleepingConsumer = Thread.currentThread();
            if (tail == hd) LockSupport.parkNanos(this, pollNanos);
            sleepingConsumer = null;
            if (Thread.interrupted()) throw new InterruptedException();
        }
        return removeAt(hd);
    }

    /** Takes the next element if there is one, else null. */
    public T poll() {
        long hd = head;
        return tail == hd ? null : removeAt(hd);
    }

    private T removeAt(long hd) {
        int i = (int) hd & mask;
        @SuppressWarnings("unchecked") T t = (T) slots[i];
        slots[i] = null;
        head = hd + 1;
        Thread p = sleepingProducer;
        if (p != null && tail - (hd + 1) <= (mask + 1) / 2) LockSupport.unpark(p);
        return t;
    }

    /** Elements waiting (a racy snapshot). */
    public int size() { return (int) (tail - head); }
}
