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
            held(gate);
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

    /**
     * Three large files on two threads, submitted at once: the third goes to whichever thread is
     * done first, not behind the first file on its thread while the other thread idles.
     */
    @Test
    void aLargeFileSubmittedWhileEveryThreadHasOneRunsOnTheFirstThreadFree() throws Exception {
        DataWriters<String> w = new DataWriters<>(2, 8);
        java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch bothRunning = new java.util.concurrent.CountDownLatch(2);
        java.util.List<String> ranOn = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        w.submit(() -> { // the first large file: held until the end
            bothRunning.countDown();
            held(first);
            return "first";
        }, true);
        w.submit(() -> { // the second: done after a while
            bothRunning.countDown();
            nap(4 * DataWriters.LONG_JOB_NANOS / 1_000_000);
            ranOn.add("second@" + Thread.currentThread().getId());
            return "second";
        }, true);
        assertTrue(bothRunning.await(10, java.util.concurrent.TimeUnit.SECONDS));
        java.util.concurrent.CountDownLatch third = new java.util.concurrent.CountDownLatch(1);
        w.submit(() -> {
            ranOn.add("third@" + Thread.currentThread().getId());
            third.countDown();
            return "third";
        }, true);
        assertTrue(third.await(10, java.util.concurrent.TimeUnit.SECONDS),
                "the third ran while the first still held its thread");
        assertEquals(ranOn.get(0).substring(ranOn.get(0).indexOf('@')), ranOn.get(1).substring(ranOn.get(1).indexOf('@')),
                "on the thread the second left: " + ranOn);
        first.countDown();
        w.awaitIdle();
        java.util.Set<String> results = new java.util.HashSet<>();
        String r;
        while ((r = w.poll()) != null) results.add(r);
        assertEquals(java.util.Set.of("first", "second", "third"), results);
        w.close();
    }

    @Test
    void awaitIdleWaitsForASlowJob() throws Exception {
        DataWriters<String> w = new DataWriters<>(1, 64);
        w.submit(() -> {
            nap(200);
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
                        held(gate);
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

    /** A job's wait for gate (a job may not throw): interrupted, it ends early. */
    static void held(java.util.concurrent.CountDownLatch gate) {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A job that takes ms milliseconds. */
    static void nap(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
