package org.linkrescue.migrate.concurrent;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HandoffTest {
    @Test
    void everyElementArrivesOnceInOrderThroughAFullQueue() throws Exception {
        Handoff<Long> q = new Handoff<>(8, 2, TimeUnit.MILLISECONDS.toNanos(1));
        int n = 200_000;
        AtomicLong wrong = new AtomicLong(-1);
        Thread consumer = new Thread(() -> {
            try {
                for (long i = 0; i < n; i++) {
                    long v = q.take();
                    if (v != i && wrong.get() < 0) wrong.set(i);
                    if (i % 50_000 == 0) Thread.sleep(5); // the producer meets a full queue
                }
            } catch (InterruptedException e) {
                wrong.set(-2);
            }
        });
        consumer.start();
        for (long i = 0; i < n; i++) {
            while (!q.put(i, TimeUnit.MILLISECONDS.toNanos(100))) { /* full for long: try again */ }
        }
        consumer.join(30_000);
        assertFalse(consumer.isAlive());
        assertEquals(-1, wrong.get());
        assertNull(q.poll());
    }

    @Test
    void aFullQueueGivesUpAfterTheWaitAsked() {
        Handoff<String> q = new Handoff<>(2, 1, TimeUnit.MILLISECONDS.toNanos(1));
        assertTrue(q.put("a", 0));
        assertTrue(q.put("b", 0));
        long t0 = System.nanoTime();
        assertFalse(q.put("c", TimeUnit.MILLISECONDS.toNanos(20)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(20));
        assertEquals("a", q.poll());
        assertTrue(q.put("c", 0));
        assertEquals(2, q.size());
    }

    /** Waits (at most 10 s) until t is parked as state says. */
    static void awaitParked(Thread t, Thread.State state) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != state && System.nanoTime() < deadline) Thread.onSpinWait();
        assertEquals(state, t.getState());
    }

    /** A consumer thread that takes n elements and notes when each arrived. */
    static final class Consumer extends Thread {
        final Handoff<String> q;
        final String[] got;
        final long[] at;

        Consumer(Handoff<String> q, int n) {
            this.q = q;
            this.got = new String[n];
            this.at = new long[n];
            start();
        }

        @Override public void run() {
            try {
                for (int i = 0; i < got.length; i++) {
                    got[i] = q.take();
                    at[i] = System.nanoTime();
                }
            } catch (InterruptedException ignored) {
                // the test fails below
            }
        }
    }

    @Test
    void anIdleConsumerSleepsWithoutATimeout() throws Exception {
        Handoff<String> q = new Handoff<>(16, 4, TimeUnit.MILLISECONDS.toNanos(1));
        Consumer c = new Consumer(q, 1);
        awaitParked(c, Thread.State.WAITING); // not TIMED_WAITING: nothing wakes it to look again
        q.put("x", 0);
        c.join(5_000);
        assertEquals("x", c.got[0]);
    }

    @Test
    void aLoneElementReachesASleepingConsumerWithoutAWake() throws Exception {
        // wakeAt 4: one element does not wake the consumer; the linger's wake-up does, later.
        long linger = TimeUnit.MILLISECONDS.toNanos(300);
        Handoff<String> q = new Handoff<>(16, 4, linger);
        Consumer c = new Consumer(q, 1);
        awaitParked(c, Thread.State.WAITING);
        long t0 = System.nanoTime();
        q.put("only", 0);
        c.join(5_000);
        assertEquals("only", c.got[0]);
        long waited = c.at[0] - t0;
        assertTrue(waited >= linger * 8 / 10, "the put woke the consumer: it took the element after " + waited + " ns");
        assertTrue(waited < TimeUnit.SECONDS.toNanos(5), "the linger's wake-up came late: " + waited + " ns");
    }

    @Test
    void wakeAtElementsWakeASleepingConsumerAtOnce() throws Exception {
        long linger = TimeUnit.SECONDS.toNanos(20);
        Handoff<String> q = new Handoff<>(16, 2, linger);
        Consumer c = new Consumer(q, 2);
        awaitParked(c, Thread.State.WAITING);
        long t0 = System.nanoTime();
        q.put("a", 0);
        q.put("b", 0);
        c.join(10_000);
        assertArrayEquals(new String[] {"a", "b"}, c.got);
        assertTrue(c.at[1] - t0 < linger / 4, "woken by the second put, not by the linger");
    }

    @Test
    void workAddedElsewhereReachesASleepingConsumerThatIsWoken() throws Exception {
        Handoff<String> q = new Handoff<>(16, 4, TimeUnit.SECONDS.toNanos(20));
        java.util.concurrent.ConcurrentLinkedQueue<String> shared = new java.util.concurrent.ConcurrentLinkedQueue<>();
        String[] got = new String[1];
        Thread c = new Thread(() -> {
            try {
                got[0] = q.takeOr(shared::poll);
            } catch (InterruptedException ignored) {
                // the test fails below
            }
        });
        c.start();
        awaitParked(c, Thread.State.WAITING);
        shared.add("large");
        q.wake();
        c.join(5_000);
        assertEquals("large", got[0]);
    }

    @Test
    void aProducerInterruptedWhileTheQueueIsFullGivesUpAtOnceAndStaysInterrupted() {
        Handoff<String> q = new Handoff<>(2, 1, TimeUnit.MILLISECONDS.toNanos(1));
        assertTrue(q.put("a", 0));
        assertTrue(q.put("b", 0));
        Thread.currentThread().interrupt();
        long t0 = System.nanoTime();
        assertFalse(q.put("c", TimeUnit.SECONDS.toNanos(10)));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertTrue(Thread.interrupted());
    }
}
