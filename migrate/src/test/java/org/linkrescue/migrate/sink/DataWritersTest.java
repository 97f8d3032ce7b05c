package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The disk sink's data threads: every job runs once, results come back, idle means all done. */
class DataWritersTest {
    @Test
    void everyJobRunsOnceOnADataThreadAndIdleMeansEveryResultIsIn() throws Exception {
        DataWriters<Integer> w = new DataWriters<>(2, 4);
        AtomicInteger running = new AtomicInteger();
        Set<String> threads = java.util.Collections.synchronizedSet(new HashSet<>());
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            int k = i;
            w.submit(() -> {
                running.incrementAndGet();
                threads.add(Thread.currentThread().getName());
                return k;
            });
        }
        w.awaitIdle();
        List<Integer> got = new ArrayList<>();
        Integer r;
        while ((r = w.poll()) != null) got.add(r);
        assertEquals(n, got.size());
        assertEquals(n, new HashSet<>(got).size(), "each job once");
        assertEquals(n, running.get());
        assertEquals(Set.of("linkrescue-data"), threads);
        w.close();
        w.close(); // idempotent
    }

    /** A large file on one thread: the small files after it go to the other and are not held up by it. */
    @Test
    void jobsGoToTheThreadWithLessToDoSoALongJobHoldsUpNoOther() throws Exception {
        DataWriters<String> w = new DataWriters<>(2, 8);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        w.submit(() -> {
            started.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "long";
        });
        assertTrue(started.await(10, java.util.concurrent.TimeUnit.SECONDS));
        Thread.sleep(4 * DataWriters.LONG_JOB_NANOS / 1_000_000); // long enough to count as a large file
        int n = 1000; // far more than one thread's queue holds
        AtomicInteger quickDone = new AtomicInteger();
        Thread submitter = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) w.submit(() -> { quickDone.incrementAndGet(); return "quick"; });
            } catch (java.io.InterruptedIOException e) {
                Thread.currentThread().interrupt();
            }
        });
        submitter.start();
        submitter.join(10_000);
        long deadline = System.nanoTime() + 10_000_000_000L;
        assertFalse(submitter.isAlive(), "the submitter was not held up by the long job's thread");
        while (quickDone.get() < n && System.nanoTime() < deadline) Thread.sleep(5);
        // A quick job descheduled for 5 ms looks long too, and one more may then queue behind
        // the long job: never as many as a queue holds.
        assertTrue(quickDone.get() > n - 8, "the quick jobs ran while the long one still waited: " + quickDone.get());
        gate.countDown();
        w.awaitIdle();
        int results = 0;
        while (w.poll() != null) results++;
        assertEquals(n + 1, results);
        w.close();
    }

    @Test
    void awaitIdleWaitsForASlowJob() throws Exception {
        DataWriters<String> w = new DataWriters<>(1, 64);
        w.submit(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "slow";
        });
        assertNull(w.poll(), "not finished yet");
        w.awaitIdle();
        assertEquals("slow", w.poll());
        w.close();
    }

    @Test
    void aFullQueueMakesTheSubmitterWaitRatherThanGrow() throws Exception {
        DataWriters<Integer> w = new DataWriters<>(1, 2);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger submitted = new AtomicInteger();
        Thread submitter = new Thread(() -> {
            try {
                for (int i = 0; i < 10; i++) {
                    w.submit(() -> {
                        try {
                            gate.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return 1;
                    });
                    submitted.incrementAndGet();
                }
            } catch (java.io.InterruptedIOException e) {
                Thread.currentThread().interrupt();
            }
        });
        submitter.start();
        Thread.sleep(300);
        assertTrue(submitted.get() <= 4, "at most the queue plus the job running: " + submitted.get());
        gate.countDown();
        submitter.join(10_000);
        assertEquals(10, submitted.get());
        w.awaitIdle();
        w.close();
    }
}
