package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
     * Large files on two threads: a third runs at once beside the two, on a thread for large
     * files only; a fourth, with all three still running, goes to whichever thread is done
     * first, not behind the first file on its thread while another idles.
     */
    @Test
    void aThirdLargeFileRunsBesideTheTwo_andAFourthOnTheFirstThreadFree() throws Exception {
        DataWriters<String> w = new DataWriters<>(2, 8);
        java.util.concurrent.CountDownLatch end = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch second = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch threeRunning = new java.util.concurrent.CountDownLatch(3);
        java.util.Map<String, Long> ranOn = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.function.BiFunction<String, java.util.concurrent.CountDownLatch, java.util.function.Supplier<String>> large =
                (name, until) -> () -> {
                    ranOn.put(name, Thread.currentThread().getId());
                    threeRunning.countDown();
                    held(until);
                    return name;
                };
        w.submit(large.apply("first", end), true);
        w.submit(large.apply("second", second), true);
        w.submit(large.apply("third", end), true);
        assertTrue(threeRunning.await(10, java.util.concurrent.TimeUnit.SECONDS), "three at once: " + ranOn);
        assertEquals(3, new HashSet<>(ranOn.values()).size(), "on three threads: " + ranOn);
        java.util.concurrent.CountDownLatch fourth = new java.util.concurrent.CountDownLatch(1);
        w.submit(() -> {
            ranOn.put("fourth", Thread.currentThread().getId());
            fourth.countDown();
            return "fourth";
        }, true);
        nap(50);
        assertEquals(1, fourth.getCount(), "a fourth waits while three run");
        second.countDown();
        assertTrue(fourth.await(10, java.util.concurrent.TimeUnit.SECONDS), "the fourth ran once the second was done");
        assertEquals(ranOn.get("second"), ranOn.get("fourth"), "on the thread the second left: " + ranOn);
        end.countDown();
        w.awaitIdle();
        java.util.Set<String> results = new java.util.HashSet<>();
        String r;
        while ((r = w.poll()) != null) results.add(r);
        assertEquals(java.util.Set.of("first", "second", "third", "fourth"), results);
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
        // Until the submitter waits for room (parked with a deadline, to look at its interrupt).
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (submitter.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
        assertEquals(Thread.State.TIMED_WAITING, submitter.getState(), "the submitter waits");
        assertTrue(submitted.get() <= 4, "at most the queue plus the job running: " + submitted.get());
        gate.countDown();
        submitter.join(10_000);
        assertEquals(10, submitted.get());
        w.awaitIdle();
        w.close();
    }

    /**
     * Large files off a slow drive: each holds three descriptors until written, so however many
     * come, at most one per thread runs and {@link DataWriters#SHARED_MAX} wait; the sink waits
     * for room instead of queueing them all.
     */
    @Test
    void t06_largeFilesInFlightAreBoundedHoweverManyCome() throws Exception {
        DataWriters<String> w = new DataWriters<>(2, 8);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger started = new AtomicInteger(), handedOver = new AtomicInteger();
        int n = 20;
        Thread submitter = new Thread(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    w.submit(() -> {
                        started.incrementAndGet();
                        held(gate);
                        return "large";
                    }, true);
                    handedOver.incrementAndGet();
                }
            } catch (java.io.InterruptedIOException e) {
                Thread.currentThread().interrupt();
            }
        });
        submitter.start();
        Thread.sleep(500);
        int threads = 3; // two data threads and the one for large files only
        assertEquals(threads, started.get(), "one large file per thread at a time");
        assertEquals(threads + DataWriters.SHARED_MAX, handedOver.get(), "the rest wait with the sink, holding nothing");
        assertTrue(submitter.isAlive());
        gate.countDown();
        submitter.join(10_000);
        w.awaitIdle();
        int got = 0;
        while (w.poll() != null) got++;
        assertEquals(n, got);
        assertEquals(n, started.get());
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
