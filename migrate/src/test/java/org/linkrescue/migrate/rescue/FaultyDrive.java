package org.linkrescue.migrate.rescue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * The in-process fault seam: real files, with faults put between the reader and them by file
 * name. Bad ranges behave the way btrfs behaves on a checksum failure: a read that starts before
 * a bad range returns short, ending where it starts; a read that starts inside one fails with EIO.
 */
final class FaultyDrive implements BlockReader {
    private record Bad(long from, long to, int[] failuresLeft) {}

    private final Map<String, List<Bad>> bad = new ConcurrentHashMap<>();
    private final Map<String, Long> hangAt = new ConcurrentHashMap<>();
    private final Map<String, Boolean> eioOnOpen = new ConcurrentHashMap<>();
    private final Map<String, Boolean> hangOnOpen = new ConcurrentHashMap<>();

    private final Map<String, Boolean> lateOpen = new ConcurrentHashMap<>();
    private final Map<Integer, String> names = new ConcurrentHashMap<>();
    final CountDownLatch release = new CountDownLatch(1);
    /** The threads that waited for {@link #release} inside a call. */
    private final java.util.Set<Thread> held = ConcurrentHashMap.newKeySet();
    final List<String> reads = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Reads of [from, to) (widened to whole 4 KiB blocks) of every file called name fail, always. */
    FaultyDrive eio(String name, long from, long to) { return eio(name, from, to, Integer.MAX_VALUE); }

    /**
     * Reads of [from, to), widened to whole 4 KiB blocks as a checksum failure is, fail the
     * first `times` times, then succeed (a weak sector).
     */
    FaultyDrive eio(String name, long from, long to, int times) {
        long f = from / 4096 * 4096, t = (to + 4095) / 4096 * 4096;
        bad.computeIfAbsent(name, k -> new ArrayList<>()).add(new Bad(f, t, new int[] {times}));
        return this;
    }

    /** A read that covers byte `at` never returns (until {@link #release} counts down). */
    FaultyDrive hang(String name, long at) { hangAt.put(name, at); return this; }

    /**
     * As {@link #hang}, but once let go the read goes through: a drive that recovered the sector
     * after its retries, the late call's bytes landing wherever it was writing to.
     */
    FaultyDrive hangThenRead(String name, long at) {
        readsLate.put(name, true);
        return hang(name, at);
    }

    private final Map<String, Boolean> readsLate = new ConcurrentHashMap<>();
    private final Map<String, Boolean> hangsOnce = new ConcurrentHashMap<>();

    /**
     * As {@link #hangThenRead}, for the first read over byte at only: a stall that passes (or
     * one of the target's, which a kernel-side copy of the drive cannot tell from the drive's).
     */
    FaultyDrive hangOnceThenRead(String name, long at) {
        hangsOnce.put(name, true);
        return hangThenRead(name, at);
    }

    FaultyDrive eioOnOpen(String name) { eioOnOpen.put(name, true); return this; }

    /** Opening name fails with errno, always. */
    FaultyDrive failOpen(String name, int errno) { openErrno.put(name, errno); return this; }

    private final Map<String, Integer> openErrno = new ConcurrentHashMap<>();

    /** Opening name never returns (until {@link #release} counts down). */
    FaultyDrive hangOnOpen(String name) { hangOnOpen.put(name, true); return this; }

    /** Opening name returns only once {@link #release} counts down, and then opens it for real. */
    FaultyDrive lateOpen(String name) { lateOpen.put(name, true); return this; }

    /** What {@link #seekFree} answers: whether this drive may be read at two places at once. */
    volatile boolean seekFree;

    private volatile String heldName, awaitedName;
    private volatile long heldFrom;
    private final CountDownLatch awaitedRead = new CountDownLatch(1);
    /** Whether a held read saw the awaited file read before it went on (see {@link #holdUntilRead}). */
    volatile boolean heldReadSawTheOther;

    /**
     * Reads of name from byte from on wait (20 s at most) until a read of other has begun:
     * a run that copies the two at once gets past at once, one that copies name first waits
     * once, in vain, and is let go from then on.
     */
    FaultyDrive holdUntilRead(String name, long from, String other) {
        heldName = name;
        heldFrom = from;
        awaitedName = other;
        return this;
    }

    @Override public boolean seekFree(int fd, Stat st) { return seekFree; }

    /** Late opens that have returned a descriptor so far. */
    final java.util.concurrent.atomic.AtomicInteger lateOpened = new java.util.concurrent.atomic.AtomicInteger();

    @Override public int open(int dirFd, byte[] name, int flags) throws PosixException {
        String n = Names.latin1(name);
        if (eioOnOpen.containsKey(n)) throw new PosixException("open", name, Errno.EIO);
        if (openErrno.containsKey(n)) throw new PosixException("open", name, openErrno.get(n));
        if (lateOpen.containsKey(n)) held();
        if (hangOnOpen.containsKey(n)) {
            held();
            throw new PosixException("open", name, Errno.EIO);
        }
        int fd = REAL.open(dirFd, name, flags);
        names.put(fd, n);
        if (lateOpen.containsKey(n)) lateOpened.incrementAndGet();
        return fd;
    }

    @Override public Stat fstat(int fd) throws PosixException { return REAL.fstat(fd); }

    /** A call that stalls: it waits for {@link #release}. */
    private void held() {
        held.add(Thread.currentThread());
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Lets every stalled call go, and waits until each worker that made one has ended: a
     * worker given up for lost ends once its call returns, so whatever the late call was to do
     * (write a chunk, hand a descriptor over) is done or never done by then.
     */
    void letGoAndAwaitLostWorkers() throws InterruptedException {
        release.countDown();
        for (Thread t : held) {
            t.join(10_000);
            if (t.isAlive()) throw new AssertionError(t.getName() + " did not end: it was not given up, or its call did not return");
        }
    }

    @Override public int pread(int fd, ByteBuffer direct, int len, long off) throws PosixException {
        return REAL.pread(fd, direct, allowed(fd, len, off), off);
    }

    /** Every read takes at least this long: a slow drive, under the timeout. */
    volatile long readMillis;

    /** How much of a read of len bytes at off may go through; throws or hangs where the faults say. */
    private int allowed(int fd, int len, long off) throws PosixException {
        String n = names.get(fd);
        reads.add(n + "@" + off + "+" + len);
        if (readMillis > 0) {
            try { Thread.sleep(readMillis); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
        }
        if (n != null && n.equals(awaitedName)) awaitedRead.countDown();
        if (n != null && n.equals(heldName) && off >= heldFrom) {
            try {
                if (awaitedRead.await(20, java.util.concurrent.TimeUnit.SECONDS)) heldReadSawTheOther = true;
                else heldName = null; // waited once in vain: the run copies one file at a time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Long h = n == null ? null : hangAt.get(n);
        if (h != null && off <= h && h < off + len && hangsOnce.containsKey(n) && hangsOnce.put(n, false) == Boolean.FALSE)
            h = null; // hung once already
        if (h != null && off <= h && h < off + len) {
            held();
            if (!readsLate.containsKey(n)) throw new PosixException("read", null, Errno.EIO);
        }
        int limit = len;
        for (Bad b : n == null ? List.<Bad>of() : bad.getOrDefault(n, List.of())) {
            synchronized (b) {
                if (b.failuresLeft[0] <= 0 || b.to <= off || off + len <= b.from) continue;
                if (b.from <= off) {
                    if (b.failuresLeft[0] != Integer.MAX_VALUE) b.failuresLeft[0]--;
                    throw new PosixException("read", null, Errno.EIO);
                }
                limit = (int) Math.min(limit, b.from - off); // short: ends where the bad range starts
            }
        }
        return limit;
    }

    /** Kernel-side copies meet the same faults as reads (and may be refused at will: {@link #noKernelCopies}). */
    @Override public long sendfile(int out, int in, long inOff, int len) throws PosixException {
        kernelCopies.incrementAndGet();
        if (noKernelCopy != 0) throw new PosixException("sendfile", null, noKernelCopy);
        int n = allowed(in, len, inOff);
        return n == 0 ? 0 : REAL.sendfile(out, in, inOff, n);
    }

    /** Kernel-side copies begun so far. */
    final java.util.concurrent.atomic.AtomicInteger kernelCopies = new java.util.concurrent.atomic.AtomicInteger();
    private volatile int noKernelCopy;

    /** Every kernel-side copy fails with errno, as between file systems that cannot. */
    FaultyDrive noKernelCopies(int errno) { noKernelCopy = errno; return this; }

    @Override public void close(int fd) {
        names.remove(fd);
        REAL.close(fd);
    }
}
