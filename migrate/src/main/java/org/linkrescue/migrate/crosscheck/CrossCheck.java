package org.linkrescue.migrate.crosscheck;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.rescue.Alternate;
import org.linkrescue.migrate.rescue.Candidate;
import org.linkrescue.migrate.rescue.CandidateFile;
import org.linkrescue.migrate.rescue.CandidateFinder;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.scan.InodeTable;
import org.linkrescue.migrate.scan.ScannedPath;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.verify.ReadThrough;
import org.linkrescue.migrate.verify.Tally;

/**
 * Silent damage without any map: every regular inode of SOURCE compared with its copies in the
 * alternates, byte for byte. For each inode, each alternate (in the order given) offers its
 * first candidate, found as the rescue finds them, that is a regular file of the same size and
 * mtime (to the nanosecond, or the second where the copy keeps less); an inode no alternate
 * offers one for is counted, not compared. Only disagreements are kept: the inode, every path,
 * the ranges, who holds zeros there, and with two copies or more who agrees. Link structure and
 * mtimes of the copies are never findings: a copy made without hard links, or rotated into other
 * snapshot names, only finds its candidates elsewhere.
 *
 * <p>SOURCE is read through the drive reader given (a mapped ddrescue image: what it did not
 * rescue is not compared), with the read timeout; copies are read plainly. Memory: one chunk per
 * copy, and inodes with links still to come.
 */
public final class CrossCheck {
    private static final int CHUNK = ReadThrough.CHUNK;
    /**
     * Compared in sectors, whatever --block-size: a ddrescue hole or a zeroed sector is 512
     * bytes, and a zero-filled block of 4096 would hide one among readable bytes.
     */
    static final int SECTOR = 512;
    private static final int FLAGS = Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK | Posix.O_NOCTTY;

    private final RescueOptions options;
    private final BlockReader drive;
    private final Tally tally;
    private final CandidateFinder finder;
    private final List<Alternate> alternates;
    private final List<String> names;
    private final InodeTable<Finding> open = new InodeTable<>();
    private final InodeTable<int[]> remaining = new InodeTable<>();
    private final Map<String, Finding> findings = new LinkedHashMap<>();
    private final byte[] src = new byte[CHUNK];
    private final byte[][] copyBufs;
    private long inodesCompared, inodesWithoutCopy, bytesFromSource, bytesFromAlternates, bytesNotCompared;
    private final List<String> copyErrors = new ArrayList<>();

    /**
     * @param options its alternates, snapshot depth and read timeout
     * @param drive   how SOURCE is read
     */
    public CrossCheck(RescueOptions options, BlockReader drive, Tally tally) {
        if (options.alternates().isEmpty()) throw new IllegalArgumentException("--cross-check needs --alternate mirror=DIR or original=DIR");
        this.options = options;
        this.drive = drive;
        this.tally = tally;
        this.alternates = options.alternates();
        this.finder = new CandidateFinder(alternates, options.snapshotDepth());
        this.names = names(alternates);
        this.copyBufs = new byte[alternates.size()][CHUNK];
    }

    /** "mirror", "original", or "mirror 1", "mirror 2" when one kind is given twice. */
    private static List<String> names(List<Alternate> alts) {
        List<String> out = new ArrayList<>();
        for (Alternate a : alts) {
            long same = alts.stream().filter(b -> b.kind() == a.kind()).count();
            long nth = out.stream().filter(n -> n.startsWith(a.kind().word())).count() + 1;
            out.add(same == 1 ? a.kind().word() : a.kind().word() + " " + nth);
        }
        return out;
    }

    /** Walks root and compares; walk errors are left to the run's own walk, which reports them. */
    public CrossCheckReport run(byte[] root) throws IOException {
        try (TimedReads reads = new TimedReads(drive, options.readTimeout(), CHUNK)) {
            new TreeScanner((g, p, w) -> { }).walk(root, p -> visit(p, reads));
        }
        return new CrossCheckReport(new ArrayList<>(findings.values()), names, inodesCompared, inodesWithoutCopy,
                bytesFromSource, bytesFromAlternates, bytesNotCompared, copyErrors);
    }

    private void visit(ScannedPath p, TimedReads reads) throws IOException {
        tally.path();
        Stat st = p.stat();
        if (!st.isRegular()) return;
        if (st.nlink() > 1) {
            int[] left = remaining.get(st.devId(), st.ino());
            if (left != null) { // a later link: named in the finding, never compared again
                Finding f = open.get(st.devId(), st.ino());
                if (f != null) f.paths().add(p.path());
                if (--left[0] <= 0) {
                    remaining.remove(st.devId(), st.ino());
                    open.remove(st.devId(), st.ino());
                }
                return;
            }
            remaining.put(st.devId(), st.ino(), new int[] {st.nlink() - 1});
        }
        Finding f = compare(p, reads);
        if (f == null) return;
        findings.put(st.devId() + ":" + st.ino(), f);
        if (st.nlink() > 1) open.put(st.devId(), st.ino(), f);
    }

    /** The inode's disagreements with its copies, or null when they agree (or there is no copy). */
    private Finding compare(ScannedPath p, TimedReads reads) throws IOException {
        Stat st = p.stat();
        List<CandidateFile> copies = new ArrayList<>();
        List<String> used = new ArrayList<>(), usedNames = new ArrayList<>();
        int fd = -1;
        try {
            for (int i = 0; i < alternates.size(); i++) {
                CandidateFile c = firstComparable(alternates.get(i), p.path(), st, used);
                if (c != null) { copies.add(c); usedNames.add(names.get(i)); }
            }
            if (copies.isEmpty()) { inodesWithoutCopy++; return null; }
            int[] fds = new int[copies.size()];
            for (int i = 0; i < fds.length; i++) fds[i] = copies.get(i).open();
            try {
                fd = reads.opens().open(p.parentFd(), p.name(), FLAGS).fd();
            } catch (PosixException e) {
                return null; // SOURCE cannot be opened: the rescue's business, not a disagreement
            }
            inodesCompared++;
            ReadThrough in = new ReadThrough(fd, st.size(), reads);
            BlockComparison cmp = new BlockComparison(SECTOR, usedNames);
            byte[][] bufs = Arrays.copyOf(copyBufs, fds.length);
            for (long off = 0; off < st.size(); ) {
                int n = in.readFully(src);
                for (int i = 0; i < fds.length; i++) readCopy(fds[i], bufs[i], n, off, used.get(i));
                cmp.chunk(off, src, bufs, n, in.bad());
                off += n;
                bytesFromSource += n;
                bytesFromAlternates += (long) n * fds.length;
                tally.bytes((long) n * (1 + fds.length));
            }
            bytesNotCompared += in.bad().bytes();
            List<Disagreement> d = cmp.finish();
            return d.isEmpty() ? null : new Finding(st.devId(), st.ino(), st.size(), List.of(p.path()), used, d);
        } catch (CandidateFile.Unusable | CopyFailed e) {
            copyErrors.add(Names.display(p.path()) + ": " + e.getMessage());
            return null;
        } finally {
            if (fd >= 0) drive.close(fd);
            for (CandidateFile c : copies) c.close();
        }
    }

    /** The first candidate of alternate a that is a regular file of st's size and mtime; null when none. */
    private CandidateFile firstComparable(Alternate a, byte[] path, Stat st, List<String> used) {
        for (Candidate c : finder.candidates(path)) {
            if (c.alternate() != a) continue;
            CandidateFile f;
            try {
                f = CandidateFile.find(c);
            } catch (CandidateFile.Unusable e) {
                continue;
            }
            if (f.stat().size() == st.size() && CandidateFile.mtimeMatches(f.stat(), st)) {
                used.add(c.toString());
                return f;
            }
            f.close();
        }
        return null;
    }

    /** A copy that cannot be read to the end: the inode is not compared, and the run says so. */
    private static final class CopyFailed extends IOException {
        CopyFailed(String why) { super(why, null); }
    }

    /** Reads exactly n bytes of a copy at off into buf[0, n); a short copy is an error. */
    private static void readCopy(int fd, byte[] buf, int n, long off, String which) throws CopyFailed {
        int got = 0;
        byte[] tmp = buf;
        while (got < n) {
            if (got > 0 && tmp == buf) tmp = new byte[n]; // pread fills from 0: the rest of a short read lands here
            int k;
            try {
                k = Posix.pread(fd, tmp, n - got, off + got);
            } catch (PosixException e) {
                throw new CopyFailed(which + ": read: " + e.reason() + " at byte " + (off + got));
            }
            if (k == 0) throw new CopyFailed(which + ": ended at byte " + (off + got));
            if (tmp != buf) System.arraycopy(tmp, 0, buf, got, k);
            got += k;
        }
    }
}
