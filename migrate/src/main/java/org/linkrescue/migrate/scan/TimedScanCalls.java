package org.linkrescue.migrate.scan;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ReadTimeoutException;
import org.linkrescue.migrate.drive.TimedCalls;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.fs.XattrsAt;

/**
 * The scan's calls on workers that give a call up past the read timeout ({@link TimedReads}):
 * a directory whose listing stalls, or an inode whose lstat stalls, costs the timeout once and
 * is then unreadable, instead of hanging the run for as long as the drive does.
 *
 * <p>Names are looked up in runs on the worker, one hand-off per run, not per name: a hand-off
 * (two wake-ups) costs more than an lstat of a cached inode. The first run of a directory goes
 * in the same call as its listing ({@link #listAndLook}). A run ends with its directory's
 * names, or once it has taken a quarter of the timeout (so a run of slow but answering lstats
 * stays well under a timeout), or at {@link #RUN} names. The same run lists the extended
 * attributes of every inode it meets first ({@link ScanCalls.ListedXattrs}): the reader would
 * otherwise make that call as one more hand-off per inode (37,000 on a 420,000-path snapshot
 * tree, each a sleep of the scan). A run that stalls keeps what it found before the stalled
 * call: a stalled lstat or readlink makes that name unreadable; a stalled listing of
 * attributes keeps the name's lstat and says the listing stalled. The next run starts after
 * it, on a fresh worker. Subdirectories are opened as files are (a late open closes its own
 * descriptor).
 */
public final class TimedScanCalls implements ScanCalls {
    /** The most names in one run; the time limit usually ends a run first only on a slow drive. */
    static final int RUN = 4096;

    private final TimedReads reads;
    private final long runNanos;
    /**
     * Inodes with more links a run looked up (and listed the attributes of), with what it found,
     * until all their links were met (bounded as the scan's own link table is): a later link's
     * directory entry may stand for its lookup ({@link EntryInodes}). Only a worker in a run
     * touches it, under its lock: a worker given up may still be in a call when the next run begins.
     */
    private final InodeTable<Looked> met = new InodeTable<>();
    private final EntryInodes entryInodes = new EntryInodes();

    public TimedScanCalls(TimedReads reads) {
        this.reads = reads;
        this.runNanos = reads.calls().timeout().toNanos() / 4;
    }

    @Override
    public List<byte[]> list(int dirFd) throws IOException {
        return reads.calls().call("getdents", () -> Posix.listDir(dirFd));
    }

    /**
     * A run of lookups in progress: the worker fills its own array and publishes how far it got;
     * a worker given up may yet write into it, never into the caller's.
     */
    private static final class Run {
        final Looked[] part;
        /** Names whose lookup (attributes included) is complete. */
        volatile int done;
        /** Names the run looked up, set when it is over (all of them, or its time was up); -1 until then. */
        volatile int ended = -1;
        /** The call the worker is in ("lstat", "readlink", "listxattr"): what a stall is named after. */
        volatile String calling = "lstat";
        volatile boolean givenUp;

        Run(int n) { part = new Looked[n]; }
    }

    @Override
    public Looked[] look(int dirFd, List<byte[]> names) throws IOException {
        Looked[] out = new Looked[names.size()];
        lookFrom(dirFd, new Kept(names, null, null), out, 0);
        return out;
    }

    /** What the worker of {@link #listAndLook} found: the kept names, then the first run over them. */
    private static final class Listed {
        volatile Kept kept;
        volatile Run run;
    }

    /**
     * The listing and the first run of lookups in one call to the worker: one hand-off per
     * directory of ordinary size, where list and look made two. A stall in the listing is the
     * listing's (thrown, "getdents did not return ..."); one in a lookup is that name's, as in
     * {@link #look}.
     */
    @Override
    public Listing listAndLook(int dirFd, Predicate<byte[]> keep) throws IOException {
        Listed listed = new Listed();
        try {
            reads.calls().call("getdents", () -> {
                Kept kept = Kept.of(Posix.listDirents(dirFd), keep);
                Run run = new Run(Math.min(RUN, kept.names().size()));
                listed.run = run;
                listed.kept = kept; // after the run: whoever sees the names sees their run
                lookRun(dirFd, kept, 0, run);
                return null;
            });
        } catch (ReadTimeoutException e) {
            if (listed.kept == null) throw e; // the listing itself did not return
            return afterFirstRun(dirFd, listed.kept, listed.run, true);
        }
        return afterFirstRun(dirFd, listed.kept, listed.run, false);
    }

    /**
     * A listing's kept names, sorted bytewise, with the inode number and d_type of each one's
     * directory entry in the same order (null when the names came without them).
     */
    private record Kept(List<byte[]> names, long[] inos, byte[] types) {
        static Kept of(List<Posix.Dirent> listed, Predicate<byte[]> keep) {
            listed.removeIf(d -> !keep.test(d.name()));
            listed.sort((a, b) -> Names.compare(a.name(), b.name()));
            int n = listed.size();
            List<byte[]> names = new ArrayList<>(n);
            long[] inos = new long[n];
            byte[] types = new byte[n];
            for (int i = 0; i < n; i++) {
                Posix.Dirent d = listed.get(i);
                names.add(d.name());
                inos[i] = d.ino();
                types[i] = d.type();
            }
            return new Kept(names, inos, types);
        }
    }

    /**
     * A listing whose first run was made on a worker: what the run found, then the rest of the
     * names looked up run by run; when the run stalled, the stalled name gets why and the rest
     * is looked up after it.
     */
    private Listing afterFirstRun(int dirFd, Kept kept, Run run, boolean stalled) throws IOException {
        Looked[] out = new Looked[kept.names().size()];
        int from;
        if (stalled) {
            from = stalled(run, out, 0);
        } else {
            System.arraycopy(run.part, 0, out, 0, run.ended);
            from = run.ended;
        }
        lookFrom(dirFd, kept, out, from);
        return new Listing(kept.names(), out);
    }

    /**
     * Opens, lists and looks up a subdirectory in one call on the caller's second worker
     * ({@link TimedCalls#start}), while the walk hands out the names before it. Each of the three
     * steps has the timeout to itself, as when they are separate calls: the caller's wait is
     * renewed when the worker begins the next one.
     */
    @Override
    public Ahead ahead(int dirFd, byte[] name, Predicate<byte[]> keep) {
        AheadDir a = new AheadDir();
        a.started = reads.calls().start(() -> {
            a.run(dirFd, name, keep);
            return null;
        });
        return a;
    }

    /** The state of one {@link #ahead}: written by the worker, read by the walk once the call returned or stalled. */
    private final class AheadDir implements Ahead {
        private static final int WORKING = 0, FINISHED = 1, TAKEN = 2, ABANDONED = 3;
        /** Who closes the descriptor: the walk once TAKEN; the worker when the walk ABANDONED it first. */
        private final AtomicInteger owner = new AtomicInteger(WORKING);
        TimedCalls.Started<Void> started;
        /** The step the worker is in ("open", "getdents", "lstat"), and since when: a stall is that step's. */
        private volatile String step = "open";
        private volatile long stepStart = System.nanoTime();
        private volatile int fd = -1;
        private volatile IOException openFailed, listFailed;
        private volatile Kept kept;
        private volatile Run run;
        /** The step that did not return in time, once the walk gave the call up; null while it has not. */
        private String stalled;
        private boolean waited;

        /** On the worker. */
        void run(int dirFd, byte[] name, Predicate<byte[]> keep) {
            try {
                try {
                    fd = Posix.openDir(dirFd, name);
                } catch (IOException e) {
                    openFailed = e;
                    return;
                }
                begin("getdents");
                List<Posix.Dirent> listed;
                try {
                    listed = Posix.listDirents(fd);
                } catch (IOException e) {
                    listFailed = e;
                    return;
                }
                Kept k = Kept.of(listed, keep);
                Run r = new Run(Math.min(RUN, k.names().size()));
                run = r;
                kept = k; // after the run: whoever sees the names sees their run
                begin("lstat");
                lookRun(fd, k, 0, r);
            } catch (IOException | RuntimeException e) {
                listFailed = e instanceof IOException io ? io : new IOException(e);
            } finally {
                if (!owner.compareAndSet(WORKING, FINISHED) && owner.get() == ABANDONED) Posix.close(fd);
            }
        }

        private void begin(String s) {
            stepStart = System.nanoTime();
            step = s;
        }

        /** Waits for the call, each step up to the timeout; gives it up at the first step that takes longer. */
        private void await() throws IOException {
            if (waited) return;
            waited = true;
            long timeout = reads.calls().timeout().toNanos();
            while (true) {
                long since = stepStart;
                if (started.await(since + timeout)) {
                    started.take();
                    return;
                }
                if (stepStart != since) continue; // the worker went on to the next step: it has its own time
                stalled = step;
                started.giveUp();
                if (stalled.equals("open")) owner.compareAndSet(WORKING, ABANDONED); // a late open closes its own descriptor
                return;
            }
        }

        @Override
        public int open() throws IOException {
            await();
            if ("open".equals(stalled)) throw reads.calls().timedOut("open", -1);
            if (openFailed != null) throw openFailed;
            if (!owner.compareAndSet(WORKING, TAKEN)) owner.set(TAKEN);
            return fd;
        }

        @Override
        public Listing listing() throws IOException {
            if (stalled == null || stalled.equals("getdents")) {
                if (stalled != null) throw reads.calls().timedOut("getdents", -1);
                if (listFailed != null) throw listFailed;
                return afterFirstRun(fd, kept, run, false);
            }
            return afterFirstRun(fd, kept, run, true); // stalled in a lookup
        }

        @Override
        public void discard() {
            if (!waited) started.abandon();
            while (true) {
                int o = owner.get();
                if (o == TAKEN || o == ABANDONED) return; // the walk's own, or the worker closes it
                if (o == WORKING && owner.compareAndSet(WORKING, ABANDONED)) return; // closed when the call returns
                if (o == FINISHED && owner.compareAndSet(FINISHED, TAKEN)) {
                    Posix.close(fd);
                    return;
                }
            }
        }
    }

    /** Looks up names[from..] into out, run by run. */
    private void lookFrom(int dirFd, Kept kept, Looked[] out, int from) throws IOException {
        while (from < out.length) {
            int base = from;
            Run run = new Run(Math.min(RUN, out.length - from));
            try {
                reads.calls().call("lstat", () -> {
                    lookRun(dirFd, kept, base, run);
                    return null;
                });
                System.arraycopy(run.part, 0, out, base, run.ended);
                from = base + run.ended;
            } catch (ReadTimeoutException e) {
                from = stalled(run, out, base);
            }
        }
    }

    /**
     * On the worker: looks up names from base on into run, until its names or its time are up.
     * A name whose directory entry stands for its lookup ({@link EntryInodes}) gets the lookup
     * of its inode's earlier link; the device of the directory is the one the run's first
     * lookups show.
     */
    private void lookRun(int dirFd, Kept kept, int base, Run run) throws IOException {
        long start = System.nanoTime();
        List<byte[]> names = kept.names();
        int n = run.part.length;
        int i = 0;
        long dev = 0;
        boolean trusted = false;
        while (i < n && !run.givenUp) {
            int at = base + i;
            byte[] name = names.get(at);
            Looked l = trusted ? known(dev, kept, at, name) : null;
            if (l == null) {
                l = ScanCalls.lookUp(dirFd, name, call -> run.calling = call);
                if (kept.inos() != null) {
                    entryInodes.check(kept.inos()[at], kept.types()[at], l.stat());
                    if (!trusted && entryInodes.showsDevice(name, l.stat())) {
                        dev = l.stat().devId();
                        trusted = entryInodes.trusts(dev);
                    }
                }
                run.part[i] = l;
                if (firstMet(l)) {
                    run.calling = "listxattr";
                    run.part[i] = l.withXattrs(listXattrs(dirFd, name));
                }
            } else {
                run.part[i] = l;
            }
            run.done = ++i; // after the result: the caller takes up to done
            if (System.nanoTime() - start >= runNanos) break;
        }
        run.ended = i;
    }

    /** What an earlier link's lookup found, for the name at kept[at] when its entry may stand for its own; else null. */
    private Looked known(long dev, Kept kept, int at, byte[] name) {
        byte type = kept.types()[at];
        if (!entryInodes.mayStandFor(name, type)) return null;
        Looked l;
        synchronized (met) {
            l = met.linkKnown(dev, kept.inos()[at]);
            if (l == null || !EntryInodes.sameType(l.stat(), type)) return null;
            entriesStoodFor++;
        }
        return l;
    }

    /** Lookups an entry stood for (guarded by met). */
    private long entriesStoodFor;

    /** How many lstats directory entries stood for so far ({@link EntryInodes}). */
    long entriesStoodFor() {
        synchronized (met) {
            return entriesStoodFor;
        }
    }

    /**
     * A run given up for a call that did not return: what it found before goes into out (from
     * base), the stalled name gets why; returns where the next run starts (after it).
     */
    private int stalled(Run run, Looked[] out, int base) {
        run.givenUp = true;
        int ended = run.ended;
        if (ended >= 0) { // the run was over, only its return came late: nothing stalled
            System.arraycopy(run.part, 0, out, base, ended);
            return base + ended;
        }
        int stalled = run.done; // every name before it has its result
        String calling = run.calling;
        System.arraycopy(run.part, 0, out, base, stalled);
        String why = calling + " did not return within " + reads.calls().timeout().toMillis() / 1000.0 + " s";
        Looked looked = stalled < run.part.length ? run.part[stalled] : null;
        out[base + stalled] = calling.equals("listxattr") && looked != null
                ? looked.withXattrs(new ListedXattrs(null, why)) // its lstat came back: only the attributes are lost
                : Looked.failed(why);
        return base + stalled + 1;
    }

    /** Whether l is an inode no run has met before (a directory, a single link, or the first of several). */
    private boolean firstMet(Looked l) {
        Stat st = l.stat();
        if (st == null) return false;
        if (st.isDir() || st.nlink() <= 1) return true;
        synchronized (met) {
            return met.link(st.devId(), st.ino(), st.nlink(), l) == null;
        }
    }

    /**
     * The attribute names of dirFd/name; none where the file system has none; null when the
     * listing failed otherwise (the reader then lists them itself and reports what it meets).
     */
    private static ListedXattrs listXattrs(int dirFd, byte[] name) {
        try {
            return new ListedXattrs(XattrsAt.list(dirFd, name), null);
        } catch (PosixException x) {
            return x.errno() == Errno.EOPNOTSUPP ? new ListedXattrs(List.of(), null) : null;
        }
    }

    @Override
    public <T> T call(String what, TimedCalls.Call<T> call) throws IOException {
        return reads.calls().call(what, call);
    }

    @Override
    public int openDir(int dirFd, byte[] name) throws IOException {
        return reads.opens().open(dirFd, name, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK).fd();
    }
}
