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

    @Test
    void aLoneElementReachesASleepingConsumerWithoutAWake() throws Exception {
        // wakeAt 4: one element never wakes the consumer; its own timed park finds it.
        Handoff<String> q = new Handoff<>(16, 4, TimeUnit.MILLISECONDS.toNanos(2));
        String[] got = new String[1];
        Thread consumer = new Thread(() -> {
            try {
                got[0] = q.take();
            } catch (InterruptedException ignored) {
                // the test fails below
            }
        });
        consumer.start();
        Thread.sleep(20);
        q.put("only", 0);
        consumer.join(5_000);
        assertEquals("only", got[0]);
    }
}
