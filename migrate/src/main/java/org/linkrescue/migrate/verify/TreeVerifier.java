package org.linkrescue.migrate.verify;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.DirWindow;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.scan.InodeTable;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Proves TARGET equals SOURCE path for path and link for link, walking both trees in lockstep:
 * each directory pair is listed, both lists sorted bytewise and merged, so a path present on
 * one side only is found at once, and a directory present on one side only has every path
 * below it listed (missing or extra). Nothing is remembered per path; per inode only while
 * some of its links are still to come ({@link InodeTable}), which is what keeps a million paths
 * in a small heap.
 *
 * <p>The hard-link partition: while an inode's links are open, SOURCE inode -> the TARGET inode
 * its first path met, and TARGET inode -> SOURCE inode. A path whose SOURCE inode was met with
 * another TARGET inode is a broken link; one whose TARGET inode was met with another SOURCE
 * inode is a merged link. An entry is forgotten once all nlink links were seen on its side.
 *
 * <p>Content: each inode is read once per side, its holes not at all ({@link ContentReader}). The
 * first pair of an inode is read side by side (giving the first differing offset); a hash of
 * each side ({@link ContentHash}) is kept while the inode's links are open, so a later link
 * compares by hash, or by reading only the side not yet read. The plain SHA-256 that a rescue
 * report is checked against is taken only for the paths the report names.
 */
public final class TreeVerifier {
    private final Findings out;
    private final Problems problems;
    private final RescueHashes rescue;
    private final Tally tally;
    private final ContentReader content;
    private final MetadataCheck meta;
    private final XattrCheck xattrs;
    private boolean holes;
    private final InodeTable<SrcInode> srcLinks = new InodeTable<>();
    private final InodeTable<TgtInode> tgtLinks = new InodeTable<>();
    private long srcRootDev, tgtRootDev;
    private PathFilter filter = PathFilter.NONE;
    private long linkedInodes;

    /** A SOURCE inode with links still to come. */
    private static final class SrcInode {
        final byte[] firstPath;
        int remaining;
        boolean paired;
        long tgtDev, tgtIno;
        /** Content, once read: masked hash (null when unreadable) and what could not be read. */
        ContentReader.Source source;
        /** The verdict for the pair (this, tgtDev/tgtIno), replayed for later links of the same pair. */
        Verdict verdict;

        SrcInode(byte[] firstPath, int nlink) { this.firstPath = firstPath; this.remaining = nlink; }
    }

    /** A TARGET inode with links still to come. */
    private static final class TgtInode {
        final byte[] firstPath;
        int remaining;
        boolean paired;
        long srcDev, srcIno;
        byte[] rawHash;
        /** The plain SHA-256, once a rescue report asked for it. */
        byte[] sha256;

        TgtInode(byte[] firstPath, int nlink) { this.firstPath = firstPath; this.remaining = nlink; }
    }

    /** The content verdict of one pair of inodes; targetSha256 only where a rescue report asked for it. */
    private record Verdict(String difference, BadRanges bad, String badWhy, byte[] targetSha256) {}

    public TreeVerifier(Findings out, Problems problems, RescueHashes rescue, Tally tally) {
        this(out, problems, rescue, tally, null);
    }

    /**
     * @param reads runs SOURCE's reads on workers and gives up one that hangs past their
     *              timeout (the rest of that file is then unverifiable); null reads plainly
     */
    public TreeVerifier(Findings out, Problems problems, RescueHashes rescue, Tally tally,
                        TimedReads reads) {
        this.out = out;
        this.problems = problems;
        this.rescue = rescue;
        this.tally = tally;
        this.content = new ContentReader(tally, reads);
        this.meta = new MetadataCheck(out, "TARGET");
        this.xattrs = new XattrCheck(out, problems, "TARGET");
    }

    /** Also compares where the data lies: a hole of SOURCE that holds data in TARGET is a difference (verify --sparse). */
    public TreeVerifier checkHoles(boolean on) {
        this.holes = on;
        return this;
    }

    /**
     * Compares the trees at source and target (each followed if it is itself a symlink).
     *
     * @throws PosixException when a root cannot be opened: there is nothing to compare
     */
    public void verify(byte[] source, byte[] target) throws IOException {
        int s = openRoot(source, "SOURCE");
        try {
            int t = openRoot(target, "TARGET");
            try {
                Stat ss = Posix.fstat(s), ts = Posix.fstat(t);
                srcRootDev = ss.devId();
                tgtRootDev = ts.devId();
                tally.path();
                meta.compare(Names.DOT, MetadataCheck.of(ss, null), MetadataCheck.of(ts, null));
                compareXattrs(s, t, Names.DOT, Names.DOT);
                walk(s, t);
            } finally {
                Posix.close(t);
            }
        } finally {
            Posix.close(s);
        }
    }

    /**
     * Leaves out, on both sides, the paths filter excludes by name (--exclude: what a migrate
     * with the same patterns left out is no difference); a directory with everything below it.
     */
    public TreeVerifier filter(PathFilter f) {
        this.filter = f;
        return this;
    }

    static int openRoot(byte[] dir, String side) throws PosixException {
        try {
            return Posix.openat(Posix.AT_FDCWD, dir, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        } catch (PosixException e) {
            throw new PosixException("cannot open " + side, dir, e.errno());
        }
    }

    /** Inodes whose links were tracked (nlink > 1 on either side). */
    public long linkedInodes() { return linkedInodes; }

    /** Most inodes tracked at once, both sides: the memory bound. */
    public int peakOpenInodes() { return Math.toIntExact(srcLinks.peakOpenInodes() + tgtLinks.peakOpenInodes()); }

    /** Inodes never closed: links outside the tree (or paths left out by errors). */
    public int openInodes() { return srcLinks.openInodes() + tgtLinks.openInodes(); }

    private List<byte[]> list(int fd, byte[] dir, String side) {
        try {
            List<byte[]> names = Posix.listDir(fd);
            names.removeIf(n -> filter.excludes(Names.join(dir, n)));
            names.sort(Names::compare);
            return names;
        } catch (PosixException e) {
            problems.report(Grade.FAILED, dir.length == 0 ? Names.DOT : dir,
                    "cannot read directory in " + side + ": " + e.reason() + "; its contents are not compared");
            return null;
        }
    }

    /**
     * One directory level of the walk: a pair of directories, or a directory on one side only
     * (everything below it is missing or extra). The walk keeps these on its own stack, never
     * the thread's, so a tree of any depth verifies; their descriptors live in a
     * {@link DirWindow}.
     */
    private static final class Level {
        final byte[] path;
        /** The directories on each side; null where that side has none here (or for the roots). */
        final DirWindow.Dir s, t;
        /** The roots' descriptors (the first level only), held outside the window; else -1. */
        final int rootS, rootT;
        List<byte[]> sn, tn;
        int i, j;
        boolean done;

        Level(byte[] path, DirWindow.Dir s, DirWindow.Dir t, int rootS, int rootT) {
            this.path = path;
            this.s = s;
            this.t = t;
            this.rootS = rootS;
            this.rootT = rootT;
        }

        boolean hasSource() { return s != null || rootS >= 0; }
        boolean hasTarget() { return t != null || rootT >= 0; }
        int sFd() { return s != null ? s.fd() : rootS; }
        int tFd() { return t != null ? t.fd() : rootT; }
    }

    private void walk(int sRoot, int tRoot) throws IOException {
        DirWindow window = new DirWindow(fd -> { });
        ArrayDeque<Level> stack = new ArrayDeque<>();
        stack.push(new Level(new byte[0], null, null, sRoot, tRoot));
        try {
            while (!stack.isEmpty()) {
                Level top = stack.peek();
                if (!top.done) {
                    Level sub = step(top, window);
                    if (sub != null) stack.push(sub);
                    continue;
                }
                stack.pop();
                Level parent = stack.peek();
                if (parent != null) {
                    reopen(stack, parent.s, top.s, window, "SOURCE");
                    reopen(stack, parent.t, top.t, window, "TARGET");
                }
                if (top.s != null) window.close(top.s);
                if (top.t != null) window.close(top.t);
            }
        } finally {
            window.closeAll();
        }
    }

    /** Compares the next name of a level (or lists it first); returns a level to descend into, or null. */
    private Level step(Level l, DirWindow window) throws IOException {
        if ((l.hasSource() && l.sFd() < 0) || (l.hasTarget() && l.tFd() < 0)) { // could not be reopened: said so
            l.done = true;
            return null;
        }
        if (l.sn == null && l.hasSource()) l.sn = list(l.sFd(), l.path, "SOURCE");
        if (l.tn == null && l.hasTarget()) l.tn = list(l.tFd(), l.path, "TARGET");
        if ((l.hasSource() && l.sn == null) || (l.hasTarget() && l.tn == null)) {
            l.done = true;
            return null;
        }
        List<byte[]> sn = l.hasSource() ? l.sn : List.of(), tn = l.hasTarget() ? l.tn : List.of();
        if (l.i == sn.size() && l.j == tn.size()) {
            l.done = true;
            return null;
        }
        int c = l.i == sn.size() ? 1 : l.j == tn.size() ? -1 : Names.compare(sn.get(l.i), tn.get(l.j));
        if (c == 0) {
            byte[] name = sn.get(l.i++);
            l.j++;
            return both(l.sFd(), l.tFd(), name, Names.join(l.path, name), window);
        }
        if (c < 0) {
            byte[] name = sn.get(l.i++);
            return oneSide(l.sFd(), name, Names.join(l.path, name), true, window);
        }
        byte[] name = tn.get(l.j++);
        return oneSide(l.tFd(), name, Names.join(l.path, name), false, window);
    }

    /**
     * Opens a side of the level below the top of the stack again, given up while the walk was
     * deeper: through ".." of the level just left when it has that side, else down from the
     * nearest level above whose directory on that side is open (the root always is).
     */
    private void reopen(ArrayDeque<Level> stack, DirWindow.Dir parent, DirWindow.Dir child, DirWindow window, String side)
            throws IOException {
        if (parent == null || parent.isOpen()) return;
        Level at = stack.peek();
        String why = child != null && child.isOpen() ? window.reopen(parent, child) : null;
        if (child == null || !child.isOpen()) {
            boolean source = side.equals("SOURCE");
            int depth = 0;
            int fd = -1;
            for (Level l : stack) { // top first
                int f = source ? (l.hasSource() ? l.sFd() : -1) : (l.hasTarget() ? l.tFd() : -1);
                if (f >= 0 && l != at) {
                    fd = f;
                    depth = Names.split(l.path).length;
                    break;
                }
            }
            byte[][] names = Names.split(at.path);
            why = fd < 0 ? "no directory above it is open"
                    : window.reopenBelow(parent, fd, Arrays.asList(names).subList(depth, names.length));
        }
        if (why != null) problems.report(Grade.FAILED, at.path.length == 0 ? Names.DOT : at.path,
                "cannot open directory in " + side + " again after its deeper levels: " + why + "; the rest of it is not compared");
    }

    private Stat lstat(int dirFd, byte[] name, byte[] path, String side) {
        try {
            return Posix.lstatAt(dirFd, name);
        } catch (PosixException e) {
            problems.report(Grade.FAILED, path, "lstat in " + side + ": " + e.reason());
            return null;
        }
    }

    private byte[] readlink(int dirFd, byte[] name, byte[] path, Stat st, String side) {
        if (!st.isSymlink()) return null;
        try {
            return Posix.readlinkAt(dirFd, name);
        } catch (PosixException e) {
            problems.report(Grade.FAILED, path, "readlink in " + side + ": " + e.reason());
            return null;
        }
    }

    private Level both(int sFd, int tFd, byte[] name, byte[] path, DirWindow window) throws IOException {
        Stat ss = lstat(sFd, name, path, "SOURCE");
        Stat ts = lstat(tFd, name, path, "TARGET");
        if (ss == null || ts == null) return null;
        tally.path();
        byte[] sl = readlink(sFd, name, path, ss, "SOURCE");
        byte[] tl = readlink(tFd, name, path, ts, "TARGET");
        if ((ss.isSymlink() && sl == null) || (ts.isSymlink() && tl == null)) return null;
        if (ss.type() != ts.type()) {
            out.difference(new Difference(DiffKind.TYPE, path,
                    Describe.both("a", Describe.type(ss.type()), Describe.type(ts.type()), "TARGET")));
            Level below = oneSideBelow(sFd, name, path, ss, true, window); // different types: one directory at most
            Level other = oneSideBelow(tFd, name, path, ts, false, window);
            return below != null ? below : other;
        }
        meta.compare(path, MetadataCheck.of(ss, sl), MetadataCheck.of(ts, tl));
        if (ss.isDir()) {
            compareXattrs(sFd, tFd, name, path);
            if (ss.devId() != srcRootDev || ts.devId() != tgtRootDev) {
                problems.report(Grade.WARN, path, "mount point of another filesystem in "
                        + (ss.devId() != srcRootDev ? "SOURCE" : "TARGET") + ": not crossed, contents not compared");
                return null;
            }
            int sub = openDir(sFd, name, path, "SOURCE");
            if (sub < 0) return null;
            int tsub = openDir(tFd, name, path, "TARGET");
            if (tsub < 0) {
                Posix.close(sub);
                return null;
            }
            DirWindow.Dir sd = window.opened(sub, ss);
            return new Level(path, sd, window.opened(tsub, ts), -1, -1);
        }
        SrcInode si = srcVisit(ss, path);
        TgtInode ti = tgtVisit(ts, path);
        if (si == null || si.firstPath == path) compareXattrs(sFd, tFd, name, path); // links share them
        try {
            links(path, ss, si, ts, ti);
            if (ss.isRegular()) content(path, sFd, tFd, name, ss, si, ts, ti);
        } finally {
            srcDone(ss, si);
            tgtDone(ts, ti);
        }
        return null;
    }

    private void compareXattrs(int sFd, int tFd, byte[] name, byte[] path) {
        xattrs.compare(path, xattrs.read(sFd, name, path, "SOURCE"), xattrs.read(tFd, name, path, "TARGET"));
    }

    private int openDir(int dirFd, byte[] name, byte[] path, String side) {
        try {
            return Posix.openDir(dirFd, name);
        } catch (PosixException e) {
            problems.report(Grade.FAILED, path, "cannot open directory in " + side + ": " + e.reason()
                    + "; its contents are not compared");
            return -1;
        }
    }

    /** A path on one side only: it and everything below it is missing (SOURCE) or extra (TARGET). */
    private Level oneSide(int dirFd, byte[] name, byte[] path, boolean source, DirWindow window)
            throws IOException {
        String side = source ? "SOURCE" : "TARGET";
        Stat st = lstat(dirFd, name, path, side);
        if (st == null) return null;
        tally.path();
        out.difference(new Difference(source ? DiffKind.MISSING : DiffKind.EXTRA, path,
                Describe.type(st.type()) + (source ? " in SOURCE, not in TARGET" : " in TARGET, not in SOURCE")));
        return oneSideBelow(dirFd, name, path, st, source, window);
    }

    /** After a path was found on one side only (or with another type): its links, and the level of its contents. */
    private Level oneSideBelow(int dirFd, byte[] name, byte[] path, Stat st, boolean source, DirWindow window)
            throws IOException {
        String side = source ? "SOURCE" : "TARGET";
        if (!st.isDir()) {
            if (source) srcDone(st, srcVisit(st, path));
            else tgtDone(st, tgtVisit(st, path));
            return null;
        }
        if (st.devId() != (source ? srcRootDev : tgtRootDev)) {
            problems.report(Grade.WARN, path, "mount point of another filesystem in " + side + ": not crossed");
            return null;
        }
        int sub = openDir(dirFd, name, path, side);
        if (sub < 0) return null;
        DirWindow.Dir d = window.opened(sub, st);
        return source ? new Level(path, d, null, -1, -1) : new Level(path, null, d, -1, -1);
    }

    private SrcInode srcVisit(Stat st, byte[] path) {
        if (st.nlink() <= 1) return null;
        SrcInode si = srcLinks.get(st.devId(), st.ino());
        if (si == null) {
            si = new SrcInode(path, st.nlink());
            srcLinks.put(st.devId(), st.ino(), si);
            linkedInodes++;
        }
        return si;
    }

    private void srcDone(Stat st, SrcInode si) {
        if (si != null && --si.remaining <= 0) srcLinks.remove(st.devId(), st.ino());
    }

    private TgtInode tgtVisit(Stat st, byte[] path) {
        if (st.nlink() <= 1) return null;
        TgtInode ti = tgtLinks.get(st.devId(), st.ino());
        if (ti == null) {
            ti = new TgtInode(path, st.nlink());
            tgtLinks.put(st.devId(), st.ino(), ti);
            linkedInodes++;
        }
        return ti;
    }

    private void tgtDone(Stat st, TgtInode ti) {
        if (ti != null && --ti.remaining <= 0) tgtLinks.remove(st.devId(), st.ino());
    }

    private void links(byte[] path, Stat ss, SrcInode si, Stat ts, TgtInode ti) {
        if (si != null) {
            if (!si.paired) {
                si.paired = true;
                si.tgtDev = ts.devId();
                si.tgtIno = ts.ino();
            } else if (si.tgtDev != ts.devId() || si.tgtIno != ts.ino()) {
                out.difference(new Difference(DiffKind.BROKEN_LINK, path, "shares an inode with '"
                        + Names.display(si.firstPath) + "' in SOURCE, but not in TARGET"));
            }
        }
        if (ti != null) {
            if (!ti.paired) {
                ti.paired = true;
                ti.srcDev = ss.devId();
                ti.srcIno = ss.ino();
            } else if (ti.srcDev != ss.devId() || ti.srcIno != ss.ino()) {
                out.difference(new Difference(DiffKind.MERGED_LINK, path, "shares an inode with '"
                        + Names.display(ti.firstPath) + "' in TARGET, but not in SOURCE"));
            }
        }
    }

    private void content(byte[] path, int sDir, int tDir, byte[] name, Stat ss, SrcInode si, Stat ts, TgtInode ti)
            throws IOException {
        if (ss.size() != ts.size()) {
            out.difference(new Difference(DiffKind.CONTENT, path,
                    Describe.both("size", Long.toString(ss.size()), Long.toString(ts.size()), "TARGET")));
            return;
        }
        if (si != null && si.verdict != null && si.tgtDev == ts.devId() && si.tgtIno == ts.ino()
                && (si.verdict.targetSha256 != null || !shaAsked(path))) {
            report(path, si.verdict); // a later link of the same pair: nothing is read again
            return;
        }
        Verdict v = compare(path, sDir, tDir, name, ss, si, ts, ti);
        if (v == null) return;
        if (si != null && si.tgtDev == ts.devId() && si.tgtIno == ts.ino()) si.verdict = v;
        report(path, v);
        // Only a file holding fewer blocks than its size can have holes: no call for the others.
        if (holes && ss.blocks() * 512 < ss.size()) holes(path, sDir, tDir, name, ss.size());
    }

    private void holes(byte[] path, int sDir, int tDir, byte[] name, long size) {
        int s = -1, t = -1;
        try {
            s = Posix.openat(sDir, name, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
            t = Posix.openat(tDir, name, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
            String filled = HoleCheck.filled(s, t, size);
            if (filled != null) out.difference(new Difference(DiffKind.SPARSE, path, filled));
        } catch (PosixException e) {
            problems.report(Grade.FAILED, path, "holes not compared: " + e.call() + ": " + e.reason());
        } finally {
            Posix.close(s);
            Posix.close(t);
        }
    }

    /** Whether a rescue report names path: its TARGET content's plain SHA-256 is then checked. */
    private boolean shaAsked(byte[] path) { return rescue != null && rescue.expected(path) != null; }

    private void report(byte[] path, Verdict v) {
        if (v.difference != null) out.difference(new Difference(DiffKind.CONTENT, path, v.difference));
        byte[] expected = rescue == null ? null : rescue.expected(path);
        if (expected != null && v.targetSha256 != null && !Arrays.equals(expected, v.targetSha256)) {
            out.difference(new Difference(DiffKind.RESCUE_HASH, path, "sha256 " + Digests.hex(v.targetSha256)
                    + " in TARGET, the rescue report says it wrote " + Digests.hex(expected)));
            return;
        }
        if (v.bad != null && !v.bad.isEmpty() && expected == null)
            out.unverifiable(path, v.bad.list(), "SOURCE cannot read " + v.bad.bytes() + " bytes"
                    + (v.badWhy == null ? "" : " (" + v.badWhy + ")"));
    }

    /** Reads what is not known yet of the pair, once per inode and side; null when TARGET cannot be read. */
    private Verdict compare(byte[] path, int sDir, int tDir, byte[] name, Stat ss, SrcInode si, Stat ts, TgtInode ti)
            throws IOException {
        ContentReader.Source src = si == null ? null : si.source;
        boolean sha = shaAsked(path);
        byte[] tgtSha = ti == null ? null : ti.sha256;
        // TARGET is read again for a plain SHA-256 that an earlier link's read did not take
        byte[] tgtRaw = ti == null || (sha && tgtSha == null) ? null : ti.rawHash;
        long size = ss.size();
        int tfd = -1, sfd = -1;
        try {
            if (tgtRaw == null || (src == null) || (!src.bad().isEmpty())) {
                try {
                    tfd = Posix.openat(tDir, name, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
                } catch (PosixException e) {
                    problems.report(Grade.FAILED, path, "open in TARGET: " + e.reason());
                    return null;
                }
            }
            String unreadable = null;
            if (src == null) {
                try {
                    sfd = content.openSource(sDir, name);
                } catch (PosixException e) {
                    unreadable = "open: " + e.reason();
                } catch (IOException e) { // hung past the timeout
                    unreadable = "open: " + e.getMessage();
                }
            }
            Verdict v;
            try {
                if (unreadable != null) { // nothing of SOURCE to compare: all of it is unverifiable
                    BadRanges all = new BadRanges();
                    all.add(0, size);
                    src = new ContentReader.Source(null, all, unreadable);
                }
                if (src == null && tgtRaw == null) {
                    ContentReader.Lockstep l = content.lockstep(sfd, ss, tfd, ts, sha);
                    src = l.source();
                    tgtRaw = l.targetRaw();
                    tgtSha = l.targetSha256();
                    v = new Verdict(l.firstMismatch() < 0 ? null : "first differing byte at offset " + l.firstMismatch()
                            + masked(src), src.bad(), src.error(), tgtSha);
                } else {
                    if (src == null) src = content.source(sfd, ss);
                    boolean unread = src.hash() == null; // SOURCE unreadable: TARGET is read for its own hashes alone
                    byte[] tgtMasked = tgtRaw != null && src.bad().isEmpty() ? tgtRaw : null;
                    if (tgtRaw == null || (tgtMasked == null && !unread)) {
                        ContentReader.Target t = content.target(tfd, ts, unread ? null : src.bad(), sha && tgtSha == null);
                        tgtRaw = t.raw();
                        tgtMasked = t.masked();
                        if (t.sha256() != null) tgtSha = t.sha256();
                    }
                    boolean same = unread || Arrays.equals(src.hash(), tgtMasked);
                    v = new Verdict(same ? null : "content differs (SHA-256" + masked(src) + ")", src.bad(),
                            src.error(), tgtSha);
                }
            } catch (PosixException e) { // only TARGET reads throw: SOURCE reads go through errors
                problems.report(Grade.FAILED, path, "read in TARGET: " + e.reason());
                return null;
            }
            if (si != null) si.source = src;
            if (ti != null) {
                ti.rawHash = tgtRaw;
                ti.sha256 = tgtSha;
            }
            return v;
        } finally {
            Posix.close(sfd);
            Posix.close(tfd);
        }
    }

    private static String masked(ContentReader.Source s) {
        return s.bad().isEmpty() ? "" : ", the " + s.bad().bytes() + " bytes SOURCE cannot read left out";
    }

    static List<ByteRange> whole(long size) { return size == 0 ? List.of() : List.of(new ByteRange(0, size)); }
}
