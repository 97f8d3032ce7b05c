package org.linkrescue.migrate.drive;

import static org.junit.jupiter.api.Assertions.*;

import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/** The timed workers on their own: calls that return, fail, hang, come back late, or are interrupted. */
class TimedCallsTest {
    static final Duration SHORT = Duration.ofMillis(300);
    @TempDir Path tmp;
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach void letGo() { release.countDown(); }

    /** Waits for the test to release it, then returns what the real call would. */
    private <T> T held(T value) {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return value;
    }

    /** The real drive, but a read returns only once let go, when its worker has long been given up. */
    final class LateDrive implements BlockReader {
        final AtomicReference<Thread> worker = new AtomicReference<>();

        @Override public int open(int dirFd, byte[] name, int flags) throws PosixException { return REAL.open(dirFd, name, flags); }
        @Override public Stat fstat(int fd) throws PosixException { return REAL.fstat(fd); }
        @Override public void close(int fd) { REAL.close(fd); }

        @Override public int pread(int fd, ByteBuffer direct, int len, long off) throws PosixException {
            worker.set(Thread.currentThread());
            held(0);
            return REAL.pread(fd, direct, len, off);
        }

        /** Lets the read return and waits until its worker, given up, has ended. */
        void letGo() throws InterruptedException {
            release.countDown();
            worker.get().join(5000);
            assertFalse(worker.get().isAlive());
        }
    }

    @Test void t01_aCallReturnsItsResultAndThrowsItsErrorOnTheCallersThread() throws Exception {
        try (TimedCalls calls = new TimedCalls(SHORT)) {
            Thread caller = Thread.currentThread();
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            assertEquals("x", calls.call("lstat", () -> {
                ranOn.set(Thread.currentThread());
                return "x";
            }));
            assertNotSame(caller, ranOn.get(), "run on a worker");
            PosixException eio = new PosixException("lstat", null, 5);
            assertSame(eio, assertThrows(PosixException.class, () -> calls.call("lstat", () -> { throw eio; })));
            assertThrows(IllegalStateException.class, () -> calls.call("x", () -> { throw new IllegalStateException(); }),
                    "an unchecked one as it is");
            assertEquals(0, calls.lostWorkers());
        }
    }

    @Test void t02_aCallThatHangsIsGivenUpAfterTheTimeout_andTheNextCallGetsAFreshWorker() throws Exception {
        try (TimedCalls calls = new TimedCalls(SHORT)) {
            AtomicReference<Thread> hung = new AtomicReference<>();
            long t0 = System.nanoTime();
            ReadTimeoutException e = assertThrows(ReadTimeoutException.class, () -> calls.call("getdents", () -> {
                hung.set(Thread.currentThread());
                return held(1);
            }));
            long waited = System.nanoTime() - t0;
            assertTrue(waited >= SHORT.toNanos() && waited < 5 * SHORT.toNanos() + 1_000_000_000L, "waited " + waited);
            assertEquals("getdents did not return within 0.3 s", e.getMessage());
            assertEquals(1, calls.lostWorkers());
            AtomicReference<Thread> next = new AtomicReference<>();
            assertEquals(2, calls.call("getdents", () -> {
                next.set(Thread.currentThread());
                return 2;
            }));
            assertNotSame(hung.get(), next.get(), "a fresh worker");
            release.countDown();
            hung.get().join(5000);
            assertFalse(hung.get().isAlive(), "the lost worker ends once the kernel lets it go");
        }
    }

    @Test void t03_aWorkerRefusesASecondCallWhileOneIsInFlight() throws Exception {
        try (TimedCalls calls = new TimedCalls(SHORT)) {
            TimedWorker w = calls.mine();
            w.begin(() -> held(1));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.begin(() -> 2));
            assertTrue(e.getMessage().contains("in flight"), e.getMessage());
            release.countDown();
            assertEquals(1, calls.<Integer>await(w, System.nanoTime() + SHORT.toNanos() * 10, "x", -1));
            w.begin(() -> 3); // taken: free again
            assertEquals(3, calls.<Integer>await(w, System.nanoTime() + SHORT.toNanos() * 10, "x", -1));
        }
    }

    @Test void t04_anIdleWorkerWaitsWithoutATimeout_andADoneCallWakesItsCaller() throws Exception {
        try (TimedCalls calls = new TimedCalls(Duration.ofSeconds(60))) {
            AtomicReference<Thread> worker = new AtomicReference<>();
            calls.call("x", () -> {
                worker.set(Thread.currentThread());
                return null;
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (worker.get().getState() != Thread.State.WAITING && System.nanoTime() < deadline) Thread.onSpinWait();
            assertEquals(Thread.State.WAITING, worker.get().getState(), "parked with no timeout: not polling");
            long t0 = System.nanoTime();
            assertEquals(7, calls.call("x", () -> 7));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "woken, not timed out");
        }
    }

    @Test void t05_anInterruptedCallerStopsWaiting_keepsItsInterrupt_andLosesOnlyThatWorker() throws Exception {
        try (TimedCalls calls = new TimedCalls(Duration.ofSeconds(60))) {
            AtomicReference<Throwable> got = new AtomicReference<>();
            AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
            CountDownLatch underWay = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                try {
                    calls.call("open", () -> {
                        underWay.countDown();
                        return held(1);
                    });
                } catch (Throwable e) {
                    got.set(e);
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                }
            });
            t.start();
            assertTrue(underWay.await(5, TimeUnit.SECONDS));
            t.interrupt();
            t.join(5000);
            assertInstanceOf(InterruptedIOException.class, got.get());
            assertTrue(stillInterrupted.get());
            assertEquals(0, calls.lostWorkers(), "an interrupt is no hang");
        }
    }

    @Test void t06_aReadIntoTheCallersArrayThatComesBackAfterItsTimeoutNeverWritesThere() throws Exception {
        Path f = tmp.resolve("f");
        byte[] data = new byte[8192];
        Arrays.fill(data, (byte) 'x');
        Files.write(f, data);
        LateDrive late = new LateDrive();
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(f.toString()), Posix.O_RDONLY, 0);
        try (TimedReads reads = new TimedReads(late, SHORT, 8192)) {
            byte[] dst = new byte[8192];
            ReadTimeoutException e = assertThrows(ReadTimeoutException.class, () -> reads.pread(fd, dst, 0, 8192, 0));
            assertEquals("read at byte 0 did not return within 0.3 s", e.getMessage());
            late.letGo(); // the lost worker has returned and ended: nothing more can follow
            assertArrayEquals(new byte[8192], dst, "the caller's array is untouched: no need to throw it away");
        } finally {
            Posix.close(fd);
        }
    }

    @Test void t07_aCopyGivenUpWhileReadingNeverWrites_whileOnePastItsReadIsWaitedFor() throws Exception {
        Path in = tmp.resolve("in"), out = tmp.resolve("out");
        byte[] data = new byte[4096];
        Arrays.fill(data, (byte) 'y');
        Files.write(in, data);
        Files.write(out, new byte[0]);
        LateDrive late = new LateDrive();
        int inFd = Posix.openat(Posix.AT_FDCWD, Names.bytes(in.toString()), Posix.O_RDONLY, 0);
        int outFd = Posix.openat(Posix.AT_FDCWD, Names.bytes(out.toString()), Posix.O_RDWR, 0);
        try (TimedReads reads = new TimedReads(late, SHORT, 4096)) {
            ChunkCopies.Copy c = reads.copies().startCopy(false, inFd, outFd, 0, 4096);
            assertThrows(ReadTimeoutException.class, () -> reads.copies().finishCopy(c));
            late.letGo();
            assertEquals(0, Files.size(out), "given up while reading: written never");
        } finally {
            Posix.close(inFd);
            Posix.close(outFd);
        }
        try (TimedReads reads = new TimedReads(BlockReader.REAL, SHORT, 4096)) {
            int inFd2 = Posix.openat(Posix.AT_FDCWD, Names.bytes(in.toString()), Posix.O_RDONLY, 0);
            int outFd2 = Posix.openat(Posix.AT_FDCWD, Names.bytes(out.toString()), Posix.O_RDWR, 0);
            try {
                assertEquals(4096, reads.copies().finishCopy(reads.copies().startCopy(true, inFd2, outFd2, 0, 4096)));
                assertArrayEquals(data, Files.readAllBytes(out), "written whole");
            } finally {
                Posix.close(inFd2);
                Posix.close(outFd2);
            }
        }
    }

    @Test void t08_aClosedSetOfWorkersTakesNoMoreCalls_andEndsItsIdleOnes() throws Exception {
        TimedCalls calls = new TimedCalls(SHORT);
        AtomicReference<Thread> worker = new AtomicReference<>();
        calls.call("x", () -> {
            worker.set(Thread.currentThread());
            return null;
        });
        calls.close();
        worker.get().join(5000);
        assertFalse(worker.get().isAlive());
        assertThrows(IllegalStateException.class, () -> calls.call("x", () -> null));
    }
}
