package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.BlockStatus;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.drive.KernelCopies;
import org.linkrescue.migrate.drive.PassReader;
import org.linkrescue.migrate.drive.ReadTimeoutException;
import org.linkrescue.migrate.drive.RescueReader;
import org.linkrescue.migrate.drive.TimedOpens;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.drive.WatchedDrive;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.MachineLimitException;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.scan.ScanCalls;
import org.linkrescue.migrate.scan.TimedScanCalls;
import org.linkrescue.migrate.read.PlainContentSource.SourceChangedException;
import org.linkrescue.migrate.stream.Alternates;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.ContentSource;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Stop;

/**
 * Opens source files for reading through a failing drive: each inode is read once, damage is
 * confined to the blocks that fail, bad ranges are filled from a verified alternate or with
 * zeros, and every damaged inode goes into the {@link RescueReport}. The run never stops for
 * the source's read errors: a file that cannot even be opened is taken whole from an alternate
 * when one fits, otherwise reported and left out (see {@link ContentSource#open}).
 *
 * Thread-safe: contents may be opened and fed on different threads.
 */
public final class RescueContentSource implements ContentSource, AutoCloseable {
    /** O_NONBLOCK: a FIFO swapped in since the scan must not hang the open. */
    static final int FLAGS = Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK | Posix.O_NOCTTY;

    /**
     * Opens (runs of them, see {@link #startOpens}) a scan may have in flight, each on a read
     * worker of its own: while the scan takes one run's files, the next run is being opened.
     * Three measured no faster than two (main bench tree, 7 rounds: 2.67 s both).
     */
    private static final int OPENS_IN_FLIGHT = 2;

    private final RescueOptions options;
    private final Problems problems;
    private final RescueReport report;
    private final TimedReads reads;
    private final WatchedDrive drive;
    /** A rescue in passes: what runs after the stream; null for the inline rescue. */
    private volatile LaterPasses passes;
    private final KernelCopies kernelCopies = new KernelCopies();
    private final CandidateFinder finder;
    private final CandidateVerifier verifier;
    private final ThreadLocal<byte[]> buffers;

    public RescueContentSource(RescueOptions options, Problems problems, RescueReport report) {
        this(options, problems, report, BlockReader.REAL);
    }

    /** With another reader of the drive: unit tests put faults between the reader and real files. */
    public RescueContentSource(RescueOptions options, Problems problems, RescueReport report, BlockReader reader) {
        this.options = options;
        this.problems = problems;
        this.report = report;
        this.drive = new WatchedDrive(reader);
        this.reads = new TimedReads(drive, options.readTimeout(), options.chunkSize(), OPENS_IN_FLIGHT);
        this.finder = new CandidateFinder(options.alternates(), options.snapshotDepth());
        this.verifier = new CandidateVerifier(options.acceptMtimeMismatch(), this::checkStop);
        this.buffers = ThreadLocal.withInitial(() -> new byte[options.chunkSize()]);
    }

    public RescueReport report() { return report; }

    /**
     * Rescues in passes, as GNU ddrescue does (see {@link LaterPasses}): damage met while the
     * tree streams is skipped past and left for after it, when the plan's later passes read and
     * splice it. Without this call every damaged file is rescued inline, at once. Call before
     * the first open.
     */
    public RescueContentSource inPasses(Set<Pass> plan) {
        this.passes = new LaterPasses(this, plan);
        return this;
    }

    /**
     * A rescue in passes that a stopped run began: the damaged inodes it left pending (as
     * {@link PendingInode#encode} kept them) wait for this run's later passes, from pass from on
     * (a pass the stopped run finished is not run again; splice always is). Call after {@link
     * #inPasses}, before the stream; an inode the stream meets again is pending as this run
     * finds it.
     */
    public RescueContentSource resumePending(List<PendingInode> pending, Pass from) {
        if (passes == null) throw new IllegalStateException("resumePending needs a rescue in passes");
        for (PendingInode p : pending) {
            report.pending(p);
            passes.resumedFrom(p, from);
        }
        return this;
    }

    /**
     * One more path of an inode (a later hard link the stream met): the report names it, and a
     * pending inode's listener hears of it (a stop must keep it). For the stream's later-path
     * listener.
     */
    public void laterPath(long devId, long ino, byte[] path) {
        if (!report.addPath(devId, ino, path)) return;
        LaterPasses p = passes;
        PendingInode pending = report.pendingInode(devId, ino);
        if (p != null && pending != null) p.listener().pathAdded(pending);
    }

    /** The passes of a rescue in passes (what is under way, for a progress line); null for the inline rescue. */
    public LaterPasses passes() { return passes; }

    /** System.nanoTime() of the drive's last read that gave bytes. */
    public long lastGoodRead() { return drive.lastGoodRead(); }

    /** The later passes over what the stream left pending (a rescue in passes), before the sink is finished. */
    @Override
    public void settlePending(byte[] sourceRoot, EntrySink sink) throws IOException {
        LaterPasses p = passes;
        if (p != null) p.run(sourceRoot, sink);
    }

    @Override public int opensInFlight() { return reads.opens().lanes(); }

    @Override
    public Content open(byte[] path, int parentFd, byte[] name, Stat scanned) throws IOException {
        return startOpen(path, parentFd, name, scanned).finish();
    }

    /**
     * The open runs on the caller's read worker while the caller scans on; finishing it waits
     * (at most the read timeout) and checks what was opened. A scan of a snapshot tree meets a
     * new file every few dozen paths, and waiting for each open's round trip to the worker kept
     * the scan idle a third of the time.
     */
    @Override
    public Opening startOpen(byte[] path, int parentFd, byte[] name, Stat scanned) {
        return startOpen(path, parentFd, name, scanned, 0);
    }

    /** Also reads a file of up to readUpTo bytes in the same call (see {@link ContentSource#startOpen}). */
    @Override
    public Opening startOpen(byte[] path, int parentFd, byte[] name, Stat scanned, long readUpTo) {
        TimedOpens.PendingOpen pending = readUpTo > 0
                ? reads.opens().startOpenAndRead(parentFd, name, FLAGS | Posix.O_NOATIME, readUpTo)
                : reads.opens().startOpen(parentFd, name, FLAGS | Posix.O_NOATIME);
        return opening(path, parentFd, name, scanned, pending);
    }

    /** A run of files opened (and small ones read) by one read worker in one call. */
    @Override
    public List<Opening> startOpens(List<OpenRequest> files, long readUpTo) {
        int[] dirs = new int[files.size()];
        byte[][] names = new byte[files.size()][];
        for (int i = 0; i < dirs.length; i++) {
            dirs[i] = files.get(i).parentFd();
            names[i] = files.get(i).name();
        }
        TimedOpens.PendingOpen[] pending = reads.opens().startOpens(dirs, names, FLAGS | Posix.O_NOATIME, readUpTo);
        List<Opening> out = new ArrayList<>(dirs.length);
        for (int i = 0; i < dirs.length; i++) {
            OpenRequest f = files.get(i);
            out.add(opening(f.path(), f.parentFd(), f.name(), f.stat(), pending[i]));
        }
        return out;
    }

    private Opening opening(byte[] path, int parentFd, byte[] name, Stat scanned, TimedOpens.PendingOpen pending) {
        return new Opening() {
            @Override public boolean done() { return pending.done(); }

            @Override public boolean cancel() { return reads.opens().cancel(pending); }

            @Override
            public Content finish() throws IOException {
                TimedOpens.Opened o;
                try {
                    o = finishNoAtime(pending, parentFd, name);
                } catch (ReadTimeoutException e) {
                    report.lostWorker();
                    checkStop(); // a stopping run's opens fail as its directories close: not damage
                    return standIn(path, scanned, "open: " + e.getMessage(), e);
                } catch (PosixException e) {
                    MachineLimitException.check(e, path); // no file would open: not this one's damage
                    checkStop();
                    return standIn(path, scanned, e.call() + ": " + e.reason(), e);
                }
                return opened(path, scanned, o);
            }
        };
    }

    private Content opened(byte[] path, Stat scanned, TimedOpens.Opened o) throws IOException {
        Stat now = o.stat();
        if (now.ino() != scanned.ino() || now.devId() != scanned.devId() || !now.isRegular()) {
            reads.reader().close(o.fd());
            throw new SourceChangedException("changed during scan: the path now names another "
                    + (now.isRegular() ? "file" : "kind of file") + " (inode " + scanned.ino()
                    + " became " + now.ino() + "); not read");
        }
        if (now.size() != scanned.size())
            problems.report(Grade.WARN, path, "changed during scan: size " + scanned.size()
                    + " became " + now.size() + "; archived with the scanned size");
        String unverifiable = reads.reader().unverifiable(o.fd());
        if (unverifiable != null) {
            report.unverifiable(scanned.devId(), scanned.ino(), path, scanned.size(), unverifiable);
            problems.report(Grade.WARN, path, "unverifiable: " + unverifiable);
        }
        if (o.firstReadHung()) { // the open returned; its first read did not: a hang over the whole file, as an EIO there would be
            return new RescueContent(this, path, scanned, o.fd(), null).openedAs(now).hungAtStart();
        }
        boolean useEarly = o.early() != null && now.size() == scanned.size() && (o.early().whole() || passes != null);
        if (useEarly) // read already (whole, or as far as a rescue in passes needs): nothing more to advise
            return new RescueContent(this, path, scanned, o.fd(), null).withEarly(o.early()).openedAs(now);
        if (scanned.size() > 0) Posix.fadvise(o.fd(), 0, 0, Posix.POSIX_FADV_SEQUENTIAL);
        return new RescueContent(this, path, scanned, o.fd(), null).openedAs(now);
    }

    /**
     * The file cannot be opened (or examined): every byte is bad. An alternate of the right size
     * and mtime stands in for the whole file (there is no readable byte to compare); with none,
     * the inode is recorded (and reported) as lost and the open fails with
     * {@link ContentSource.Reported}, as the ContentSource contract says.
     */
    private Content standIn(byte[] path, Stat scanned, String error, IOException cause) throws IOException {
        Spool spool = new Spool(options.spoolDir());
        boolean handedOver = false;
        try {
            BadRanges bad = new BadRanges();
            bad.add(0, scanned.size());
            List<Verdict> verdicts = scanned.size() == 0 ? List.of()
                    : tryCandidates(path, scanned, spool, bad, new BadRanges());
            RescueContent.Resolved r = new RescueContent.Resolved(spool, bad, new BadRanges(), List.of(error), verdicts);
            if (r.accepted() != null) {
                handedOver = true;
                return new RescueContent(this, path, scanned, -1, r);
            }
            Provenance lost = scanned.size() == 0 ? Provenance.CLEAN
                    : new Provenance(List.of(new Provenance.Range(0, scanned.size(), "zero")), true);
            recordDamage(path, scanned, r, lost, null, true); // reports the path: the one line for it
            throw new ContentSource.Reported(cause);
        } finally {
            if (!handedOver) spool.close();
        }
    }

    /**
     * Tries the candidates in order until one is accepted; returns every verdict.
     *
     * @throws Stop.Stopped the run is stopping: no verdict on the candidate under way
     */
    List<Verdict> tryCandidates(byte[] path, Stat stat, Spool spool, BadRanges bad, BadRanges notCompared) throws Stop.Stopped {
        List<Verdict> verdicts = new ArrayList<>();
        if (bad.isEmpty()) return verdicts;
        for (Candidate c : finder.candidates(path)) {
            Verdict v = verifier.verify(c, stat, spool, bad, notCompared);
            verdicts.add(v);
            if (v.accepted()) break;
        }
        return verdicts;
    }

    /** A file that changed while it was read (GNU tar's words): a warning; what changed says how. */
    void changedWhileRead(byte[] path, String what) {
        problems.report(Grade.WARN, path, "file changed as we read it: " + what);
    }

    /** A damaged file whose bytes moved under the rescue: none can be vouched for, nor any copy checked against them. */
    void unverifiable(byte[] path, Stat stat, String why) {
        report.unverifiable(stat.devId(), stat.ino(), path, stat.size(), why);
    }

    /** Records a damaged inode in the report and tells the run's problem policy. */
    void recordDamage(byte[] path, Stat stat, RescueContent.Resolved r, Provenance prov, String sha, boolean leftOut) {
        recordDamage(List.of(path), stat, r.bad(), r.errors(), r.verdicts(), List.of(), prov, sha, leftOut);
    }

    /** Records an inode the later passes are done with (its paths are all known by now). */
    void recordPending(PendingInode p, BadRanges bad, List<Verdict> verdicts, Provenance prov, String sha) {
        List<ByteRange> untried = p.givenUp() ? List.of()
                : p.states().ranges(BlockStatus.NON_TRIED, BlockStatus.NON_TRIMMED, BlockStatus.NON_SCRAPED).list();
        recordDamage(p.paths(), p.stat(), bad, p.errors(), verdicts, untried, prov, sha, false);
    }

    private void recordDamage(List<byte[]> paths, Stat stat, BadRanges bad, List<String> errors, List<Verdict> verdicts,
                              List<ByteRange> untried, Provenance prov, String sha, boolean leftOut) {
        byte[] path = paths.get(0);
        DamagedInodeRecord rec = new DamagedInodeRecord(stat.devId(), stat.ino(), paths, stat.size(),
                stat.mtimeSec(), stat.mtimeNsec(), bad.list(), errors, verdicts, prov, sha, leftOut, untried);
        report.damaged(rec, leftOut ? 0 : stat.size() - bad.bytes());
        String ranges = bad.isEmpty() ? "" : " in " + bad;
        String first = errors.isEmpty() ? "unreadable" : errors.get(0);
        Verdict acc = rec.accepted();
        int rejected = verdicts.size() - (acc == null ? 0 : 1);
        long untriedBytes = 0;
        for (ByteRange u : untried) untriedBytes += u.length();
        String notTried = untriedBytes == 0 ? "" : " (" + untriedBytes + " of them never read again: the passes that would were left out)";
        if (leftOut) {
            problems.report(Grade.FAILED, path, first + "; no alternate fits (" + rejected + " candidates rejected); left out");
        } else if (acc != null) {
            problems.report(Grade.WARN, path, first + "; " + bad.bytes() + " unreadable bytes" + ranges
                    + " spliced from " + acc.candidate() + (acc.reason().isEmpty() ? "" : " (" + acc.reason() + ")"));
        } else {
            problems.report(Grade.FAILED, path, first + "; " + bad.bytes() + " unreadable bytes" + ranges
                    + " zero-filled (" + rejected + " candidates rejected)" + notTried);
        }
    }

    /** Opens name below dirFd for reading, timed, as the stream opens it (O_NOATIME where allowed). */
    TimedOpens.Opened openFile(int dirFd, byte[] name) throws IOException {
        return finishNoAtime(reads.opens().startOpen(dirFd, name, FLAGS | Posix.O_NOATIME), dirFd, name);
    }

    /** O_NOATIME keeps a rescue from writing to the failing drive, but only the owner (or root) may ask. */
    private TimedOpens.Opened finishNoAtime(TimedOpens.PendingOpen pending, int parentFd, byte[] name) throws IOException {
        try {
            return reads.opens().finishOpen(pending);
        } catch (PosixException e) {
            if (e.errno() != Errno.EPERM || !e.call().equals("open")) throw e;
            return reads.opens().open(parentFd, name, FLAGS);
        }
    }

    /** The alternates, for what the scan of sourceRoot could not list or lstat (see {@link DriveAlternates}). */
    @Override
    public Alternates alternates(byte[] sourceRoot) {
        return new DriveAlternates(finder, sourceRoot, options.snapshotDepth(), reads, report, this::checkStop);
    }

    /** The scan's calls on this drive, on workers timed as its reads are: the same read timeout. */
    public ScanCalls scanCalls() { return new TimedScanCalls(reads); }

    private volatile Stop stop;
    private final LongAdder sourceBytes = new LongAdder();

    /** Bytes read off SOURCE so far by this run, whatever became of them (a rescue map counts what a stop wastes). */
    public long sourceBytesRead() { return sourceBytes.sum(); }

    void readFromSource(long n) { sourceBytes.add(n); }

    /** A file being read stops before its next chunk once s is requested (the run is stopping). */
    public void stopWith(Stop s) { stop = s; }

    void checkStop() throws Stop.Stopped {
        Stop s = stop;
        if (s != null) s.check();
    }

    RescueOptions options() { return options; }
    KernelCopies kernelCopies() { return kernelCopies; }
    RescueReport reportRef() { return report; }
    TimedReads reads() { return reads; }
    CandidateFinder finder() { return finder; }
    Problems problems() { return problems; }
    PassReader newPassReader() { return new PassReader(reads, options.chunkSize(), options.blockSize()); }
    RescueReader newReader() { return new RescueReader(reads, options.chunkSize(), options.blockSize(), options.retries()); }

    /** This thread's read buffer. */
    byte[] buffer() { return buffers.get(); }

    /** Gives the read workers back; one stuck in the kernel stays stuck (it is a daemon). */
    @Override public void close() { reads.close(); }

}
