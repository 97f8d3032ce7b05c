package org.linkrescue.migrate.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * A bounded queue from one producer thread to one consumer thread that wakes the other side
 * rarely. A blocking queue signals the consumer on every element whenever it is waiting, and a
 * snapshot tree streams a couple of hundred thousand tiny entries (mostly hard links): that was
 * ~2 futex calls and one context switch per entry, on a machine that may have two cores.
 *
 * <p>Every wait here ends by a signal, never by looking again on a timer. A waiting consumer
 * parks without a timeout and is woken at once when a good part of the queue is ready
 * ({@code wakeAt} elements); fewer elements linger at most {@code lingerNanos}, after which a
 * wake-up thread ({@link LingerWakeups}) wakes it for them, one wake-up for all that came
 * meanwhile: so an element reaches a sleeping consumer even when the producer then stalls (a
 * dying drive), and a consumer with nothing to do sleeps through a stall without waking. A
 * producer waiting for room is woken when half the queue is free.
 *
 * <p>A sleeper is woken once per sleep: the waker takes it off {@code sleepingConsumer} (or
 * {@code sleepingProducer}) as it unparks it. Left there, every put until the consumer runs
 * again unparked it once more, and each of those is a futex call while it is still in the
 * kernel's wait: 66,000 unparks of the lanes' queues on a 228,000-path snapshot tree.
 *
 * <p>Exactly one thread may call {@link #put}, and exactly one other thread {@link #take}.
 */
public final class Handoff<T> {
    private static final VarHandle CONSUMER, PRODUCER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CONSUMER = l.findVarHandle(Handoff.class, "sleepingConsumer", Thread.class);
            PRODUCER = l.findVarHandle(Handoff.class, "sleepingProducer", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object[] slots;
    private final int mask;
    private final int wakeAt;
    private final long lingerNanos;
    private volatile long head; // next slot to take; written by the consumer only
    private volatile long tail; // next slot to fill; written by the producer only
    private volatile Thread sleepingConsumer, sleepingProducer;
    /** A wake-up for lingering elements is pending (set by the producer, cleared as it runs). */
    private volatile boolean lingering;
    private final LingerWakeups.Due lingerWake = new LingerWakeups.Due() {
        @Override void wake() {
            lingering = false;
            nudge();
        }
    };

    /**
     * @param capacity    elements held at most (rounded up to a power of two)
     * @param wakeAt      ready elements that justify waking a sleeping consumer at once
     * @param lingerNanos longest fewer elements wait before a sleeping consumer is woken for them
     */
    public Handoff(int capacity, int wakeAt, long lingerNanos) {
        int cap = Integer.highestOneBit(Math.max(2, capacity) - 1) << 1;
        this.slots = new Object[cap];
        this.mask = cap - 1;
        this.wakeAt = Math.max(1, Math.min(wakeAt, cap));
        this.lingerNanos = lingerNanos;
    }

    /**
     * Adds t, waiting while the queue is full. Returns false without adding it when the wait
     * exceeded maxWaitNanos (the caller checks whether the consumer died, and tries again), or
     * when this thread is interrupted while it would wait (its interrupt stays set).
     */
    public boolean put(T t, long maxWaitNanos) {
        long tl = tail;
        if (tl - head > mask) {
            long deadline = System.nanoTime() + maxWaitNanos;
            while (tl - head > mask) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted()) return false;
                sleepingProducer = Thread.currentThread();
                if (tl - head > mask) LockSupport.parkNanos(this, left); // the consumer wakes it with room
                sleepingProducer = null;
            }
        }
        slots[(int) tl & mask] = t;
        tail = tl + 1;
        Thread c = sleepingConsumer;
        if (c != null) {
            if (tl + 1 - head >= wakeAt) wakeConsumer(c);
            else if (!lingering) {
                lingering = true;
                LingerWakeups.schedule(lingerWake, lingerNanos);
            }
        }
        return true;
    }

    /** Wakes a sleeping consumer now whatever the queue holds (the producer will add nothing for a while). */
    public void nudge() {
        Thread c = sleepingConsumer;
        if (c != null && tail != head) wakeConsumer(c);
    }

    /** Wakes a sleeping consumer even with the queue empty: it has work elsewhere ({@link #takeOr}). */
    public void wake() {
        Thread c = sleepingConsumer;
        if (c != null) wakeConsumer(c);
    }

    /** Unparks c unless another waker took it off first (it has been unparked for this sleep). */
    private void wakeConsumer(Thread c) {
        if (CONSUMER.compareAndSet(this, c, null)) LockSupport.unpark(c);
    }

    /** Takes the next element, waiting as long as it takes. */
    public T take() throws InterruptedException {
        return takeOr(null);
    }

    /**
     * {@link #take}, but while the queue is empty it also asks other each time it is woken
     * (by an element, or by {@link #wake}) and returns what that gives: work a consumer may
     * share with others.
     */
    public T takeOr(Supplier<T> other) throws InterruptedException {
        long hd = head;
        while (tail == hd) {
            if (other != null) {
                T o = other.get();
                if (o != null) return o;
            }
            sleepingConsumer = Thread.currentThread();
            if (tail == hd) {
                // Asked again once visible as sleeping: work added elsewhere just before then
                // found no one to wake.
                T o = other == null ? null : other.get();
                if (o != null) {
                    sleepingConsumer = null;
                    return o;
                }
                LockSupport.park(this);
            }
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
        if (p != null && tail - (hd + 1) <= (mask + 1) / 2 && PRODUCER.compareAndSet(this, p, null)) LockSupport.unpark(p);
        return t;
    }

    /** Elements waiting (a racy snapshot). */
    public int size() { return (int) (tail - head); }
}
