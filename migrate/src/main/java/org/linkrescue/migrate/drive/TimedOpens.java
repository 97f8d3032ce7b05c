package org.linkrescue.migrate.drive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Opens (and fstats) of files on the failing drive, each on a worker and timed: a dying drive
 * can stall while reading an inode as much as while reading data. A caller may have several
 * opens in flight, each on an open worker of its own (a lane), and may hand a whole run of
 * files to one worker in one call, which then also reads the small ones whole: one hand-off and
 * one wake-up for a run of files instead of two per file.
 */
public final class TimedOpens {
    private final TimedCalls calls;
    private final BlockReader reader;
    private final int bufferSize;
    private final int lanes;
    /** A caller's workers for opens: one per open (or run) it has in flight. */
    private final ThreadLocal<Lanes> openers;

    TimedOpens(TimedCalls calls, BlockReader reader, int bufferSize, int lanes) {
        if (lanes < 1) throw new IllegalArgumentException("openLanes " + lanes);
        this.calls = calls;
        this.reader = reader;
        this.bufferSize = bufferSize;
        this.lanes = lanes;
        this.openers = ThreadLocal.withInitial(() -> new Lanes(lanes));
    }

    /** Opens a caller may have in flight at once, each on a worker of its own. */
    public int lanes() { return lanes; }

    /**
     * An open file and what fstat said of it; early: its content, as far as the drive gave it,
     * when the open was asked to read a small file at once (else null), in the worker's buffer, valid only
     * until this caller's next call here and only on the calling thread ({@link Early}).
     */
    public record Opened(int fd, Stat stat, Early early, boolean firstReadHung) {
        public Opened(int fd, Stat stat) { this(fd, stat, null, false); }

        public Opened(int fd, Stat stat, Early early) { this(fd, stat, early, false); }
    }

    /**
     * Bytes an open read at once, in a worker's buffer that the worker's next call overwrites:
     * the whole file, or (a read that failed or came back short) as much as the drive gave.
     */
    public static final class Early {
        private final TimedWorker worker;
        private final long call;
        private final Thread caller;
        private final ByteBuffer bytes;
        private final String failure;

        private Early(TimedWorker worker, long call, Thread caller, ByteBuffer bytes, String failure) {
            this.worker = worker;
            this.call = call;
            this.caller = caller;
            this.bytes = bytes;
            this.failure = failure;
        }

        /** Whether the read gave the whole file. */
        public boolean whole() { return failure == null; }

        /**
         * Why the read stopped before the end: "read: EIO (...)" when it failed (at the end of
         * the bytes it gave), "" when it came back short (a bad block starts there, on a failing
         * drive); null for the whole file.
         */
        public String failure() { return failure; }

        /** The bytes, or null when the buffer may have been reused since (or this is another thread). */
        public ByteBuffer bytes() {
            return Thread.currentThread() == caller && worker.calls() == call && !worker.lost() ? bytes.duplicate() : null;
        }
    }

    /**
     * Opens name below dirFd and fstats it, on a worker. An open given up for lost that returns
     * late closes its descriptor itself.
     *
     * @throws PosixException       open or fstat failed (the descriptor is closed)
     * @throws ReadTimeoutException it did not return within the timeout
     */
    public Opened open(int dirFd, byte[] name, int flags) throws IOException {
        return finishOpen(startOpen(dirFd, name, flags));
    }

    /** An open started by {@link #startOpen} or {@link #startOpens}, one of a run. */
    public static final class PendingOpen {
        private final Run run;
        private final int dirFd;
        private final byte[] name;
        private final CallState state = CallState.queued();
        private volatile boolean done;
        private Opened result; // published by done
        private Throwable error;
        /**
         * The open, handed over to the caller before the small file's read that goes with it:
         * if that read hangs, the descriptor is the caller's all the same, and the file is not
         * mistaken for one whose open hung.
         */
        private volatile Opened handedOver;

        private PendingOpen(Run run, int dirFd, byte[] name) {
            this.run = run;
            this.dirFd = dirFd;
            this.name = name;
        }

        /** Whether {@link #finishOpen} would return without waiting. */
        public boolean done() { return done; }
    }

    /** Opens handed to one worker in one call; finished (or cancelled) by the caller in order. */
    private static final class Run {
        final int flags;
        final long readUpTo;
        PendingOpen[] opens;
        TimedWorker worker;
        int settled; // finished or cancelled; the caller's thread only

        Run(int flags, long readUpTo) {
            this.flags = flags;
            this.readUpTo = readUpTo;
        }
    }

    /**
     * {@link #open}, started on one of this caller's open workers and returned from at once.
     * The caller may have {@link #lanes} opens (or runs) in flight, and finishes them in the
     * order it started them. The timeout counts from {@link #finishOpen}.
     */
    public PendingOpen startOpen(int dirFd, byte[] name, int flags) {
        return startOpens(new int[] {dirFd}, new byte[][] {name}, flags, 0)[0];
    }

    /**
     * {@link #startOpen}, and when the file turns out to hold 1 to readUpTo bytes (at most the
     * buffer size), also reads it whole into the worker's buffer in the same call. A read that
     * fails or comes back short gives what it got and why it stopped ({@link Early#failure}).
     */
    public PendingOpen startOpenAndRead(int dirFd, byte[] name, int flags, long readUpTo) {
        return startOpens(new int[] {dirFd}, new byte[][] {name}, flags, readUpTo)[0];
    }

    /**
     * Several opens (and reads, as {@link #startOpenAndRead}; the small files' bytes share the
     * worker's buffer while they fit) in one call to one worker. They count as one open in
     * flight. Each is finished with {@link #finishOpen}, in order, or given up with
     * {@link #cancel}; each has its own timeout. An open that hangs loses the worker; the ones
     * after it are then opened one by one on a fresh worker when finished.
     */
    public PendingOpen[] startOpens(int[] dirFds, byte[][] names, int flags, long readUpTo) {
        Run run = new Run(flags, Math.min(readUpTo, bufferSize));
        PendingOpen[] opens = new PendingOpen[names.length];
        for (int i = 0; i < opens.length; i++) opens[i] = new PendingOpen(run, dirFds[i], names[i]);
        run.opens = opens;
        Thread caller = Thread.currentThread();
        TimedWorker w = freeOpener();
        run.worker = w;
        w.begin(() -> {
            int packed = 0; // bytes of the worker's buffer holding earlier files of the run
            ByteBuffer buffer;
            try {
                buffer = w.buffer();
            } catch (Throwable e) { // no memory for it: every open of the run fails so, at once (not after a timeout each)
                for (PendingOpen p : opens) {
                    if (!p.state.start()) break;
                    p.error = e;
                    p.done = true;
                }
                w.wakeCaller();
                return null;
            }
            for (PendingOpen p : opens) {
                if (w.lost() || !p.state.start()) break; // the caller opens the rest itself
                try {
                    Opened o = handOver(openAndStat(p.dirFd, p.name, run.flags), p.state);
                    p.handedOver = o;
                    w.wakeCaller(); // one waiting past its deadline takes the descriptor, should the read hang
                    long size = o.stat().size();
                    if (size > 0 && size <= run.readUpTo && packed + size <= buffer.capacity()) {
                        ByteBuffer into = buffer.slice(packed, (int) size);
                        int n = 0;
                        String failure = null;
                        try {
                            n = reader.pread(o.fd(), into, (int) size, 0);
                            if (n < size) failure = "";
                        } catch (PosixException e) {
                            failure = "read: " + e.reason();
                        }
                        // What a failed read gave is kept too: a rescue in passes goes on from
                        // there instead of reading the bad block a second time.
                        o = new Opened(o.fd(), o.stat(), new Early(w, w.calls(), caller, into.duplicate().position(0).limit(n), failure));
                        packed += n;
                    }
                    p.result = o;
                } catch (Throwable e) {
                    p.error = e;
                }
                p.done = true;
                w.wakeCaller();
            }
            return null;
        });
        return opens;
    }

    /** Waits for an open started by {@link #startOpen}; what {@link #open} would return or throw. */
    public Opened finishOpen(PendingOpen p) throws IOException {
        Run run = p.run;
        TimedWorker w = run.worker;
        try {
            if (p.state.isQueued() && w.lost() && p.state.cancel())
                return open(p.dirFd, p.name, run.flags); // its worker hung on an earlier open of the run
            long deadline = System.nanoTime() + calls.timeoutNanos();
            boolean interrupted = false;
            w.waiter(Thread.currentThread());
            try {
                while (!p.done) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || interrupted) {
                        // Not taken yet, or taken and not handed over: either way the worker is given up.
                        if (p.state.giveUp()) {
                            calls.giveUp(w);
                            if (interrupted) Thread.currentThread().interrupt();
                            throw calls.timedOut("open", -1);
                        }
                        Opened opened = p.handedOver;
                        if (opened != null) { // opened, and the read that came with it hangs: a read's hang, not the open's
                            calls.giveUp(w);
                            if (interrupted) Thread.currentThread().interrupt();
                            return new Opened(opened.fd(), opened.stat(), null, true);
                        }
                        LockSupport.park(this); // handed over already: the descriptor is on its way
                    } else {
                        LockSupport.parkNanos(this, left);
                    }
                    if (Thread.interrupted()) interrupted = true;
                }
            } finally {
                w.waiter(null);
            }
            if (interrupted) Thread.currentThread().interrupt();
            if (p.error != null) throw TimedWorker.rethrown(p.error);
            return p.result;
        } finally {
            settled(run);
        }
    }

    /**
     * Gives up an open of a run that its worker has not begun: true when nothing was or will be
     * opened for it (finish it no more); false when it is under way or done (finish it, and
     * close what it opened). A run that is ending need not open files only to close them, nor
     * wait for each behind a hung one. Once every open of a run is finished or given up, its
     * worker is free for the next run.
     */
    public boolean cancel(PendingOpen p) {
        if (!p.state.cancel()) return false;
        settled(p.run);
        return true;
    }

    /** One more open of run finished or cancelled: after the last, its worker takes calls again. */
    private static void settled(Run run) {
        if (++run.settled == run.opens.length) run.worker.taken();
    }

    /**
     * On the worker, at the end of an open: the descriptor goes to the caller, unless the caller
     * gave the open up meanwhile; then it is closed here, so an open that returns after its
     * timeout leaks nothing.
     */
    private Opened handOver(Opened o, CallState state) throws ReadTimeoutException {
        if (state.handOver()) return o;
        reader.close(o.fd());
        throw calls.timedOut("open", -1);
    }

    /** open and fstat, on a worker; the descriptor is closed if fstat fails. */
    private Opened openAndStat(int dirFd, byte[] name, int flags) throws IOException {
        int fd = reader.open(dirFd, name, flags);
        try {
            return new Opened(fd, reader.fstat(fd));
        } catch (IOException | RuntimeException e) {
            reader.close(fd);
            throw e;
        }
    }

    /** A caller's open workers; null where none was made yet or one was given up for lost. */
    private static final class Lanes {
        TimedWorker[] workers;

        Lanes(int n) { workers = new TimedWorker[n]; }

        void forget(TimedWorker lost) {
            for (int i = 0; i < workers.length; i++) if (workers[i] == lost) workers[i] = null;
        }
    }

    /**
     * One of this caller's open workers with no call in flight (made on first use). With all of
     * them busy, one more is added for good: an open retried inside a finish (without O_NOATIME,
     * see RescueContentSource) comes while the runs in flight still hold theirs.
     */
    private TimedWorker freeOpener() {
        Lanes lanes = openers.get();
        int i = 0;
        for (; i < lanes.workers.length; i++) {
            TimedWorker w = lanes.workers[i];
            if (w == null) break;
            if (!w.begun()) return w;
        }
        if (i == lanes.workers.length) lanes.workers = Arrays.copyOf(lanes.workers, i + 1);
        TimedWorker made = calls.newWorker(lanes::forget);
        lanes.workers[i] = made;
        return made;
    }
}
