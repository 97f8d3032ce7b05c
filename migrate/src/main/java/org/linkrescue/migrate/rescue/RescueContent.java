package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.BlockStatus;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.drive.ByteStore;
import org.linkrescue.migrate.drive.ChunkCopies;
import org.linkrescue.migrate.drive.Holes;
import org.linkrescue.migrate.drive.KernelCopies;
import org.linkrescue.migrate.drive.PassReader;
import org.linkrescue.migrate.drive.RangeStates;
import org.linkrescue.migrate.drive.ReadTimeoutException;
import org.linkrescue.migrate.drive.RescueReader;
import org.linkrescue.migrate.drive.SeekFreeReads;
import org.linkrescue.migrate.drive.TimedOpens;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.MachineLimitException;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Deferrable;
import org.linkrescue.migrate.stream.DirectCopy;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Retainable;
import org.linkrescue.migrate.stream.SparseData;

/**
 * The data of one inode read through a failing drive. The normal path streams 1 MiB reads
 * straight to the sink, so an undamaged file costs nothing beyond the read (no spool, no hash).
 * At the first failed read it switches to rescue: the bytes already delivered came from the
 * drive and stand; the rest of the file is read block by block into a spool, the delivered
 * prefix is read once more into the spool so candidates are checked against every readable
 * byte, and only then is any byte past the first failure delivered: the drive's own where it
 * could read, the accepted candidate's or zeros where it could not.
 *
 * It offers no plain descriptor for a whole-file kernel copy (that cannot be timed out, nor
 * resumed block by block where it meets EIO). A sink may instead take the normal path with
 * {@link #copyPrefix}. Into a file the sink can replace, each chunk is first copied inside the
 * kernel by a read worker, timed like any read (see {@link #copyInKernel}); otherwise, or from
 * where that stopped, each chunk is read into a read worker's own direct buffer, timed like any
 * read, and then either written by that worker straight into the sink's file at its offset (two
 * chunks in flight; a worker given up while reading never writes afterwards) or handed to the
 * sink from the buffer; never through the Java heap. The first chunk that fails ends it, and
 * {@link #feedFrom} resumes right there, the prefix counting as delivered. (splice through a
 * pipe was measured slower than this on a 6.18 kernel: its copy into the target ran at a third
 * of write(2)'s speed.)
 */
public final class RescueContent implements Content, DirectCopy, Retainable, SparseData, Deferrable {
    private final RescueContentSource src;
    private final byte[] path;
    private final Stat stat;
    private int fd;
    /** Set when the rescue was done at open (open failed; a candidate stood in). */
    private Resolved resolved;
    private boolean fed;
    /** Bytes already handed over by copyPrefix, and why it stopped short (if it failed). */
    private long copied;
    private String failedWith;
    private boolean hungAt;
    private Provenance provenance = Provenance.CLEAN;
    /** The whole file, read by the open (usable only right away, on the opening thread). */
    private TimedOpens.Early early;
    /** fstat at the open, before the first byte was read; null for a file an alternate stood in for. */
    private Stat before;
    /** Handed to a sink's data thread ({@link #retain}); settled once that thread is done with it. */
    private boolean retained;
    private volatile boolean settled = true;
    /** A source with holes: its data runs (found once, on first ask); null for a file without. */
    private long[] runs;
    private boolean runsKnown;
    /**
     * A rescue in passes: the consumer asked for damage to be settled on the spot all the same
     * ({@link #settleNow}). Otherwise, at the first failed read, pass 1 skips past the damage,
     * delivers zeros there for now and leaves the inode pending.
     */
    private boolean settleNow;
    /**
     * Where the failed (or short) read that stopped copyPrefix was to end, in a rescue in
     * passes: that much is non-trimmed, and not read again in pass 1; -1 when it did not stop so.
     */
    private long failedTo = -1;
    /** A chunk in flight beside the one that failed, which failed too (read once already, in vain). */
    private final List<ByteRange> readBefore = new ArrayList<>();
    /** That chunk hung: nothing more of the file is read. */
    private boolean aheadHung;

    /**
     * The outcome of a rescue, ready to be delivered from the spool.
     *
     * @param notCompared bytes delivered from the drive that could not be read again: neither
     *                    compared with candidates nor known to the hash
     */
    record Resolved(Spool spool, BadRanges bad, BadRanges notCompared, List<String> errors, List<Verdict> verdicts) {
        Verdict accepted() {
            return verdicts.isEmpty() || !verdicts.get(verdicts.size() - 1).accepted() ? null : verdicts.get(verdicts.size() - 1);
        }
    }

    RescueContent(RescueContentSource src, byte[] path, Stat stat, int fd, Resolved resolved) {
        this.src = src;
        this.path = path;
        this.stat = stat;
        this.fd = fd;
        this.resolved = resolved;
    }

    RescueContent withEarly(TimedOpens.Early e) {
        this.early = e;
        return this;
    }

    /**
     * The read that came with the open hung at byte 0: the file is read no more (as after any
     * hang), and the rescue takes all of it as the range that hung.
     */
    RescueContent hungAtStart() {
        this.hungAt = true;
        return this;
    }

    /** What fstat said of the file when it was opened, before any byte was read: compared after the last one. */
    RescueContent openedAs(Stat st) {
        this.before = st;
        return this;
    }

    /**
     * How the file changed while it was read (size, mtime or ctime, as GNU tar compares them),
     * or null when it did not or cannot be told. A rewrite that keeps size and even mtime still
     * moves ctime. The fstat is made here, not on a timed worker: it asks the inode the open
     * already brought into memory, never the drive, and a hand-off to a worker per file cost
     * 15-30 us of system time (a fifth of a migrate of 20,000 small files).
     */
    private String changedWhileRead() {
        if (before == null || fd < 0) return null;
        Stat after;
        try {
            after = src.reads().reader().fstat(fd);
        } catch (IOException e) {
            return null; // cannot tell: the read itself said what it could
        }
        List<String> what = new ArrayList<>();
        if (after.size() != before.size()) what.add("size " + before.size() + " became " + after.size());
        if (after.mtimeSec() != before.mtimeSec() || after.mtimeNsec() != before.mtimeNsec())
            what.add("mtime " + time(before.mtimeSec(), before.mtimeNsec()) + " became " + time(after.mtimeSec(), after.mtimeNsec()));
        if (after.ctimeSec() != before.ctimeSec() || after.ctimeNsec() != before.ctimeNsec())
            what.add("ctime " + time(before.ctimeSec(), before.ctimeNsec()) + " became " + time(after.ctimeSec(), after.ctimeNsec()));
        return what.isEmpty() ? null : String.join(", ", what);
    }

    private static String time(long sec, int nsec) { return String.format(Locale.ROOT, "%d.%09d", sec, nsec); }

    /** Read whole and clean: counted, and named if it changed meanwhile. */
    private void readClean() {
        src.reportRef().clean(stat.size());
        String changed = changedWhileRead();
        if (changed != null) src.changedWhileRead(path, changed + "; copied as read");
    }

    @Override public long size() { return stat.size(); }

    /** A consumer that cannot take late bytes (a tar stream whose header is out) has damage settled on the spot. */
    @Override public void settleNow() { settleNow = true; }

    /** Whether damage is skipped past and left for the later passes (a rescue in passes, not settled now). */
    private boolean deferring() { return src.passes() != null && !settleNow; }

    /** A source with holes offers its data runs alone ({@link SparseData}): holes are never read. */
    @Override
    public <A> A as(Class<A> ability) {
        if (ability == SparseData.class && runs() == null) return null;
        return Content.super.as(ability);
    }

    /**
     * The data runs of a source with holes, found with SEEK_DATA/SEEK_HOLE before any byte is
     * read ({@link Holes}); null for a file without holes, and for one already read or rescued.
     */
    @Override
    public long[] runs() {
        if (!runsKnown) {
            runsKnown = true;
            runs = fd >= 0 && resolved == null && !fed && copied == 0 ? Holes.of(fd, stat, src.reads().calls()) : null;
        }
        return runs;
    }

    /**
     * Reads the data runs alone, chunk by chunk as {@link #feedFrom} reads a whole file; a hole
     * is never read, so it can never be a bad block. At the first read that fails the rescue
     * takes over as for any file, reading only data runs: its bytes are delivered clipped to the
     * runs (the spool holds zeros in the holes, as the file does).
     */
    @Override
    public void feedData(DataChunks out) throws IOException {
        if (fed) throw new IllegalStateException("content of " + Names.display(path) + " fed twice");
        long[] r = runs();
        if (r == null) throw new IllegalStateException("content of " + Names.display(path) + " has no holes");
        fed = true;
        byte[] buf = src.buffer();
        for (int i = 0; i < r.length; i += 2) {
            long off = r[i], end = r[i] + r[i + 1];
            boolean zeroOnce = false;
            while (off < end) {
                String failure = null;
                boolean hung = false, ended = false;
                int n = 0;
                try {
                    n = src.reads().pread(fd, buf, 0, (int) Math.min(buf.length, end - off), off);
                } catch (ReadTimeoutException e) {
                    hung = true;
                } catch (PosixException e) {
                    failure = "read: " + e.reason();
                }
                if (n == 0 && failure == null && !hung) {
                    if (!zeroOnce) {
                        zeroOnce = true;
                        continue;
                    }
                    ended = true;
                }
                int want = (int) Math.min(buf.length, end - off);
                if (failure != null || hung || ended) {
                    if (deferring()) copyPass(off, off + want, failure, hung, ended, clippedTo(r, off, out));
                    else rescue(off, failure, hung, ended, clippedTo(r, off, out));
                    return;
                }
                zeroOnce = false;
                out.accept(off, buf, 0, n);
                off += n;
                if (n < want && off < end && deferring()) { // short: a bad block starts here, which pass 1 does not read
                    copyPass(off, off - n + want, null, false, false, clippedTo(r, off, out));
                    return;
                }
            }
        }
        src.reportRef().clean(stat.size());
    }

    /** The bytes from byte from on, as a dense delivery gives them, cut to the data runs (the rest is holes, zeros). */
    private static Chunks clippedTo(long[] runs, long from, DataChunks out) {
        long[] at = {from};
        return (b, off, len) -> {
            long s = at[0], e = s + len;
            for (int i = 0; i < runs.length; i += 2) {
                long rs = Math.max(s, runs[i]), re = Math.min(e, runs[i] + runs[i + 1]);
                if (rs < re) out.accept(rs, b, off + (int) (rs - s), (int) (re - rs));
            }
            at[0] = e;
        };
    }

    /** Its bytes came with the open and are still there: a read-ahead takes them on this thread, now. */
    @Override public boolean readAlready() {
        return early != null && early.bytes() != null;
    }

    /** With the hex SHA-256 of the bytes delivered, for a damaged inode once fed. */
    @Override public Provenance provenance() { return provenance; }

    @Override
    public void feed(Chunks out) throws IOException {
        feedFrom(0, out);
    }

    /**
     * The normal path, straight through: each chunk is read (timed, like every read) into the
     * read worker's own direct buffer and handed to target from there, so the bytes never pass
     * through the Java heap. It stops at the first chunk that fails, hangs or comes back empty,
     * and remembers why: {@link #feedFrom} goes on from there, straight into the rescue when the
     * drive failed (a hung file is not read again).
     */
    @Override
    public long copyPrefix(DirectTarget target) throws IOException {
        if (fed || copied > 0 || resolved != null || fd < 0 || hungAt) return 0;
        long off = target.descriptor() >= 0 ? copyByWorkers(target) : copyThroughBuffers(target);
        copied = off;
        if (off == stat.size()) {
            fed = true;
            readClean();
        }
        return off;
    }

    /** Kernel-side copies where the target allows them, then the workers' copy from where they stopped. */
    private long copyByWorkers(DirectTarget target) throws IOException {
        long from = target.replaceable() ? copyInKernel(target) : 0;
        return from == stat.size() || failedTo >= 0 ? from : copyByWorkers(target, from);
    }

    /**
     * The fast path for a target whose file can be replaced: chunk by chunk, each one kernel-side
     * copy on the read worker, timed like a read. It stops short of the end wherever anything
     * is not plain (a short copy, an error, a refusal by the kernel, a hang) and returns where:
     * the workers' copy goes on from there, reading before it writes, so it tells the drive's
     * errors from the target's and meets a bad block or a hang as a read. A copy given up for
     * lost may still write when the kernel lets it go, so after a hang the target's file is
     * replaced by a fresh one holding what was copied before it (the late write lands in the
     * file let go), and the chunk is then read again, under a timeout of its own: a stall of
     * the target is no damage of the drive, while a drive that hangs again costs a second timeout.
     */
    private long copyInKernel(DirectTarget target) throws IOException {
        long size = stat.size();
        ChunkCopies copies = src.reads().copies();
        KernelCopies kernel = src.kernelCopies();
        int chunk = src.options().chunkSize();
        long off = 0;
        while (off < size && kernel.on()) {
            src.checkStop();
            int len = (int) Math.min(chunk, size - off);
            long n;
            try {
                n = copies.finishKernelCopy(copies.startKernelCopy(fd, target.descriptor(), off, len));
            } catch (ReadTimeoutException e) {
                src.reportRef().lostWorker(); // a hung kernel copy is an abandoned read like any other
                target.replace(off);
                break;
            } catch (PosixException e) {
                if (kernel.refused(e.errno())) break; // these two cannot (not asked again): the workers' copy does the rest
                if (Errno.isTargetOnly(e.errno())) target.writeFailed(e);
                if (deferring()) { // pass 1 reads no block twice: taken for the drive's, pass 2 reads it plainly
                    failedWith = "read: " + e.reason();
                    failedTo = off + len;
                }
                break; // EIO and the like may be either side's: the workers' copy tells
            }
            off += n;
            src.readFromSource(n);
            if (n < len) { // the end of the file, early, or a bad block: the workers' copy finds out which
                if (deferring() && off < size) failedTo = off - n + len; // pass 1 takes it for a bad block
                break;
            }
        }
        return off;
    }

    /**
     * The workers' copy from byte from on. Two chunks in flight, each read and then written at
     * its offset by a worker of its own: one chunk's read overlaps the other's write, and each
     * write comes from the cache of the core that just read the bytes. Stops at the first chunk
     * that fails, hangs, or comes back short (a bad block starts there); the chunk after it is
     * waited for (or given up without writing) before returning, so nothing lands in the target
     * after feedFrom takes over.
     */
    private long copyByWorkers(DirectTarget target, long from) throws IOException {
        long size = stat.size();
        int out = target.descriptor();
        ChunkCopies copies = src.reads().copies();
        int chunk = src.options().chunkSize();
        ArrayDeque<ChunkCopies.Copy> inFlight = new ArrayDeque<>(2);
        long off = from, next = from;
        boolean onSecond = false;
        PosixException writeFailure = null;
        try {
            while (next < size && inFlight.size() < 2) {
                inFlight.add(copies.startCopy(onSecond, fd, out, next, (int) Math.min(chunk, size - next)));
                onSecond = !onSecond;
                next += Math.min(chunk, size - next);
            }
            while (!inFlight.isEmpty()) {
                ChunkCopies.Copy c = inFlight.poll();
                int n;
                try {
                    n = copies.finishCopy(c);
                } catch (ReadTimeoutException e) {
                    hungAt = true;
                    break;
                } catch (ChunkCopies.CopyWriteFailed e) {
                    writeFailure = e.error();
                    break;
                } catch (PosixException e) {
                    MachineLimitException.check(e, path);
                    failedWith = "read: " + e.reason();
                    failedTo = c.offset() + c.length();
                    break;
                }
                if (n < 0) { // read back just after the timeout gave it up: treated as hung
                    hungAt = true;
                    break;
                }
                off += n;
                src.readFromSource(n);
                if (n < c.length()) { // end of file early, or a bad block starts at off
                    if (deferring() && off < size) failedTo = c.offset() + c.length();
                    break;
                }
                if (next < size) {
                    src.checkStop();
                    inFlight.add(copies.startCopy(onSecond, fd, out, next, (int) Math.min(chunk, size - next)));
                    onSecond = !onSecond;
                    next += Math.min(chunk, size - next);
                }
            }
        } finally {
            for (ChunkCopies.Copy c : inFlight) {
                if (deferring() && failedTo >= 0) readAlready(copies, c);
                else settleQuietly(copies, c);
            }
        }
        if (writeFailure != null) target.writeFailed(writeFailure);
        return off;
    }

    private long copyThroughBuffers(DirectTarget target) throws IOException {
        long size = stat.size();
        ByteBuffer whole = early == null ? null : early.bytes();
        String earlyFailure = early == null ? null : early.failure();
        early = null;
        if (whole != null && whole.remaining() == size) {
            src.readFromSource(size);
            target.fromBuffer(whole);
            return size;
        }
        if (whole != null && earlyFailure != null && deferring()) {
            // The open's read failed or came back short: pass 1 goes on from there, and does not read it again.
            int n = whole.remaining();
            if (n > 0) target.fromBuffer(whole);
            failedTo = size;
            if (!earlyFailure.isEmpty()) failedWith = earlyFailure;
            return n;
        }
        ChunkCopies copies = src.reads().copies();
        int chunk = src.options().chunkSize();
        long off = 0;
        // The next chunk is read while this one is written: a large file's reading and writing overlap.
        int asked = (int) Math.min(chunk, size);
        ChunkCopies.DirectRead next = copies.startDirect(fd, 0, asked);
        try {
            while (next != null) {
                ByteBuffer b;
                try {
                    b = copies.finishDirect(next);
                } catch (ReadTimeoutException e) {
                    hungAt = true;
                    break;
                } catch (PosixException e) {
                    MachineLimitException.check(e, path);
                    failedWith = "read: " + e.reason();
                    failedTo = off + asked;
                    break;
                } finally {
                    next = null;
                }
                int n = b.remaining();
                if (n == 0) break; // an early end: feedFrom finds out whether the file shrank
                boolean shortRead = n < asked && off + n < size && deferring(); // a bad block starts there: pass 1 does not read it
                if (off + n < size && !shortRead) {
                    src.checkStop();
                    asked = (int) Math.min(chunk, size - off - n);
                    next = copies.startDirect(fd, off + n, asked);
                }
                src.readFromSource(n);
                target.fromBuffer(b);
                if (shortRead) failedTo = off + asked;
                off += n;
                if (shortRead) break;
            }
        } finally {
            if (next != null) settleQuietly(copies, next); // the target failed: this thread's worker must be free again
        }
        return off;
    }

    /** Waits out a read nobody will use (a hang still costs only the timeout, as any read). */
    private static void settleQuietly(ChunkCopies copies, ChunkCopies.DirectRead r) {
        try {
            copies.finishDirect(r);
        } catch (IOException ignored) {
            // Its bytes were not wanted; a hung worker is already given up for lost.
        }
    }

    /**
     * A chunk in flight past the one that failed, in pass 1 of a rescue in passes: its read
     * counts, so what of it failed is not read again in pass 1 (its bytes, written or not, lie
     * past where feedFrom starts, which delivers them again from a fresh read).
     */
    private void readAlready(ChunkCopies copies, ChunkCopies.Copy c) {
        long end = c.offset() + c.length();
        try {
            int n = copies.finishCopy(c);
            if (n < 0) { // given up just after the timeout: as hung
                readBefore.add(new ByteRange(c.offset(), stat.size() - c.offset()));
                aheadHung = true;
            }
            else if (n < c.length()) readBefore.add(new ByteRange(c.offset() + n, end - c.offset() - n));
        } catch (ReadTimeoutException e) {
            readBefore.add(new ByteRange(c.offset(), stat.size() - c.offset()));
            aheadHung = true;
        } catch (ChunkCopies.CopyWriteFailed e) {
            // the target's failure: the drive's bytes there are unknown, and read again
        } catch (IOException e) {
            readBefore.add(new ByteRange(c.offset(), c.length()));
        }
    }

    /** Waits out a copy past the point where the copy stopped: written whole, or never. */
    private static void settleQuietly(ChunkCopies copies, ChunkCopies.Copy c) {
        try {
            copies.finishCopy(c);
        } catch (IOException ignored) {
            // Its bytes lie past where feedFrom starts, which writes them again.
        }
    }

    @Override
    public void feedFrom(long from, Chunks out) throws IOException {
        if (fed) throw new IllegalStateException("content of " + Names.display(path) + " fed twice");
        if (from != copied) throw new IllegalStateException("content of " + Names.display(path)
                + " fed from byte " + from + " after " + copied + " bytes handed over by copyPrefix");
        fed = true;
        long size = stat.size();
        if (resolved != null) {
            deliver(resolved, 0, out);
            return;
        }
        byte[] buf = src.buffer();
        long off = from;
        String failure = failedWith;
        boolean hung = hungAt, ended = false;
        boolean zeroOnce = false;
        long failTo = failedTo;
        while (off < size && failure == null && !hung && failTo < 0) {
            src.checkStop();
            int want = (int) Math.min(buf.length, size - off);
            int n;
            try {
                n = src.reads().pread(fd, buf, 0, want, off);
            } catch (ReadTimeoutException e) {
                hung = true; // buf is untouched: a read is copied into it only when it came back in time
                break;
            } catch (PosixException e) {
                MachineLimitException.check(e, path);
                failure = "read: " + e.reason();
                failTo = off + want;
                break;
            }
            if (n == 0) {
                if (zeroOnce) { ended = true; break; }
                zeroOnce = true;
                continue;
            }
            zeroOnce = false;
            src.readFromSource(n);
            out.accept(buf, 0, n);
            off += n;
            if (n < want && off < size && deferring()) failTo = off - n + want; // short: a bad block starts here
        }
        if (off == size) {
            readClean();
            return;
        }
        if (deferring()) copyPass(off, failTo, failure, hung, ended, out);
        else rescue(off, failure, hung, ended, out);
    }

    /**
     * Pass 1 of a rescue in passes, from the read at at that failed (or came back short, or
     * hung, or found the file ended): the rest of the file is read in large reads with a growing
     * skip past each failure ({@link PassReader#copy}), its readable bytes delivered and zeros
     * where it did not read; the inode is left pending for the later passes, its provenance
     * says so. No byte of it is read twice here.
     */
    private void copyPass(long at, long failTo, String failure, boolean hung, boolean ended, Chunks out) throws IOException {
        long size = stat.size();
        RangeStates states = new RangeStates(size, BlockStatus.FINISHED); // before at, and holes: never to be read again
        RescueReader.Outcome o = new RescueReader.Outcome();
        List<String> errors = new ArrayList<>();
        if (failure != null) errors.add(failure + " at byte " + at);
        InOrder delivery = new InOrder(at, out);
        long[] r = runs != null ? runs : new long[] {0, size};
        if (hung || ended) {
            if (hung) o.hungAt = at;
            else o.endedAt = at;
            for (int i = 0; i < r.length; i += 2) {
                long s = Math.max(at, r[i]), e = r[i] + r[i + 1];
                if (s < e) states.set(s, e, BlockStatus.BAD);
            }
        } else {
            if (failTo < 0) failTo = Math.min(size, at + src.options().chunkSize());
            src.newPassReader().copy(fd, runs, at, failTo, readBefore, states, delivery, o);
            if (aheadHung && o.hungAt < 0) o.hungAt = readBefore.get(readBefore.size() - 1).offset();
        }
        delivery.zerosTo(size);
        boolean givenUp = o.hungAt >= 0 || o.endedAt >= 0;
        if (givenUp) { // nothing more is read of a file that hung or ended: what it did not give is bad
            for (RangeStates.Span sp : states.spans(BlockStatus.NON_TRIED, BlockStatus.NON_TRIMMED, BlockStatus.NON_SCRAPED))
                states.set(sp.offset(), sp.end(), BlockStatus.BAD);
        }
        if (o.hungAt >= 0) src.reportRef().lostWorker();
        errors.addAll(o.notes(size));
        PendingInode pending = new PendingInode(stat, path, states, errors, givenUp);
        String changed = changedWhileRead();
        if (changed != null) { // the bytes read are not one version of the file: nothing to check a copy against
            pending.note("file changed as we read it: " + changed + "; unverifiable, no copy checked against it");
            pending.unverifiable();
            src.changedWhileRead(path, changed + "; unverifiable: no copy is checked against it");
            src.unverifiable(path, stat, "file changed as we read it: " + changed);
        }
        src.reportRef().pending(pending);
        src.passes().listener().states(pending);
        provenance = Splicer.provenance(size, states.unfinished(), null).asPending();
    }

    /**
     * Delivers bytes given at increasing offsets, from byte from on, as one run: zeros where
     * none were given (pass 1 did not read there; the later passes fill what they can).
     */
    private static final class InOrder implements ByteStore {
        private static final byte[] ZEROS = new byte[64 * 1024];
        private final Chunks out;
        private long at;

        InOrder(long from, Chunks out) {
            this.at = from;
            this.out = out;
        }

        @Override
        public void write(long off, byte[] b, int from, int len) throws IOException {
            if (off < at) throw new IllegalStateException("bytes at " + off + " after " + at + " were delivered");
            zerosTo(off);
            out.accept(b, from, len);
            at = off + len;
        }

        void zerosTo(long end) throws IOException {
            while (at < end) {
                int n = (int) Math.min(ZEROS.length, end - at);
                out.accept(ZEROS, 0, n);
                at += n;
            }
        }
    }

    /** The read at firstFail failed: read the rest (and the delivered prefix again) into a spool, then splice. */
    private void rescue(long firstFail, String failure, boolean hung, boolean ended, Chunks out) throws IOException {
        long size = stat.size();
        Spool spool = new Spool(src.options().spoolDir());
        try {
            BadRanges bad = new BadRanges(), notCompared = new BadRanges();
            RescueReader reader = src.newReader();
            RescueReader.Outcome o = new RescueReader.Outcome();
            List<String> errors = new ArrayList<>();
            if (failure != null) errors.add(failure + " at byte " + firstFail);
            if (hung) { o.hungAt = firstFail; bad.add(firstFail, size); }
            else if (ended) { o.endedAt = firstFail; bad.add(firstFail, size); }
            else readData(reader, firstFail, size, spool, bad, o, true);
            if (runs != null) bad = clip(bad); // a hole is not read, so it is never bad
            if (firstFail > 0) {
                if (o.hungAt >= 0) notCompared.add(0, firstFail); // no more reads of a file that hung once
                else {
                    RescueReader.Outcome again = new RescueReader.Outcome();
                    readData(reader, 0, firstFail, spool, notCompared, again, false);
                    if (runs != null) notCompared = clip(notCompared);
                    if (again.hungAt >= 0) src.reportRef().lostWorker();
                    if (!notCompared.isEmpty())
                        errors.add("bytes " + notCompared + " were delivered, then failed to read again;"
                                + " candidates are not compared there");
                }
            }
            if (o.hungAt >= 0) src.reportRef().lostWorker();
            errors.addAll(o.notes(size));
            String changed = changedWhileRead();
            List<Verdict> verdicts;
            if (changed == null) {
                verdicts = src.tryCandidates(path, stat, spool, bad, notCompared);
            } else { // the bytes read are not one version of the file: nothing to check a copy against
                errors.add("file changed as we read it: " + changed + "; unverifiable, no copy checked against it");
                src.changedWhileRead(path, changed + "; unverifiable: no copy is checked against it");
                src.unverifiable(path, stat, "file changed as we read it: " + changed);
                verdicts = List.of();
            }
            deliver(new Resolved(spool, bad, notCompared, errors, verdicts), firstFail, out);
        } finally {
            spool.close();
        }
    }

    /**
     * Reads [from, to) into the spool: all of it, or for a source with holes its data runs
     * alone (the spool reads back zeros in the holes). failedAtFrom: a read at from just failed.
     */
    private void readData(RescueReader reader, long from, long to, Spool spool, BadRanges bad, RescueReader.Outcome o,
                          boolean failedAtFrom) throws IOException {
        long size = stat.size();
        if (runs == null) {
            reader.read(fd, from, to, size, spool, bad, o, failedAtFrom);
            return;
        }
        for (int i = 0; i < runs.length && o.hungAt < 0 && o.endedAt < 0; i += 2) {
            long s = Math.max(from, runs[i]), e = Math.min(to, runs[i] + runs[i + 1]);
            if (s < e) reader.read(fd, s, e, size, spool, bad, o, failedAtFrom && s == from);
        }
    }

    /** ranges within the data runs only. */
    private BadRanges clip(BadRanges ranges) {
        BadRanges in = new BadRanges();
        for (ByteRange b : ranges.list()) {
            for (int i = 0; i < runs.length; i += 2) in.add(Math.max(b.offset(), runs[i]), Math.min(b.end(), runs[i] + runs[i + 1]));
        }
        return in;
    }

    /** Delivers [from, size) of a resolved rescue, settles provenance and hash, and records the inode. */
    private void deliver(Resolved r, long from, Chunks out) throws IOException {
        long size = stat.size();
        MessageDigest md = r.notCompared().isEmpty() ? sha256Digest() : null;
        if (md != null && from > 0) Splicer.emit(r.spool(), 0, from, r.bad(), true, md, null);
        Verdict accepted = r.accepted();
        Splicer.emit(r.spool(), from, size, r.bad(), accepted != null, md, out);
        String sha256 = md == null ? null : HexFormat.of().formatHex(md.digest());
        provenance = Splicer.provenance(size, r.bad(), accepted == null ? null : accepted.candidate().origin())
                .withSha256(sha256);
        src.recordDamage(path, stat, r, provenance, sha256, false);
    }

    static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }

    /**
     * A large file whose reading costs the drive no seeks (see {@link SeekFreeReads}) may be
     * written by a sink's data thread while the sink goes on: two of them then copy at once,
     * each into its own target file (one file's writes are serialised by the kernel, two files'
     * are not). Only before any byte was consumed, and only once. The handle owns the
     * descriptor from then on: closing this content does nothing, closing the handle closes it.
     */
    @Override
    public Content retain() {
        if (retained || fd < 0 || fed || copied > 0 || early != null || resolved != null) return null;
        if (runs() != null) return null; // its holes are kept by the sink's own thread
        if (!src.reads().reader().seekFree(fd, stat)) return null;
        retained = true;
        settled = false;
        return new Retained();
    }

    /** False while a retained handle is still being consumed: provenance is final once true. */
    @Override public boolean settled() { return settled; }

    /** The handle {@link #retain} gives: this content, consumed on another thread. */
    private final class Retained implements Content, DirectCopy {
        @Override public long size() { return RescueContent.this.size(); }
        @Override public void feed(Chunks out) throws IOException { RescueContent.this.feed(out); }
        @Override public long copyPrefix(DirectTarget t) throws IOException { return RescueContent.this.copyPrefix(t); }
        @Override public void feedFrom(long from, Chunks out) throws IOException { RescueContent.this.feedFrom(from, out); }
        @Override public Provenance provenance() { return RescueContent.this.provenance(); }

        @Override
        public void close() throws IOException {
            try {
                closeNow();
            } finally {
                settled = true; // after every field the consumption set: a volatile write publishes them
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (!retained) closeNow();
    }

    private void closeNow() throws IOException {
        if (fd >= 0) src.reads().reader().close(fd);
        fd = -1;
        if (resolved != null) resolved.spool().close();
    }
}
