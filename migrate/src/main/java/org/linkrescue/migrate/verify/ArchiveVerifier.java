package org.linkrescue.migrate.verify;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.TarReader;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.scan.Exclusions;
import org.linkrescue.migrate.scan.InodeTable;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Checks an archive against the tree it should hold, without extracting it: each entry against
 * the same path in the tree (found by {@link TreeLookup}, never following a symlink), its data
 * against the file's bytes, and its hard links against the tree's inodes:
 * <ul>
 *   <li>a hard-link entry P -> Q where P and Q are different inodes in SOURCE: merged link;</li>
 *   <li>a second entry with data (or any non-link entry) for an inode of SOURCE that already had
 *       one: broken link (extracting it makes a separate inode).</li>
 * </ul>
 * Then the tree is walked once more and every path the archive did not hold is missing. The
 * archive's paths are remembered only as 128-bit hashes ({@link PathHashSet}): archive mode's
 * memory grows with the number of paths, 16 bytes each (plus table slack), unlike tree mode.
 */
public final class ArchiveVerifier {
    private final Findings out;
    private final Problems problems;
    private boolean holes;
    private final Tally tally;
    private final MetadataCheck meta;
    private final XattrCheck xattrs;
    private final ContentReader content;
    private final InodeTable<TreeInode> inodes = new InodeTable<>();
    private final PathHashSet seen = new PathHashSet();
    private final byte[] entryBuf = new byte[ReadThrough.CHUNK];
    private final byte[] treeBuf = new byte[ReadThrough.CHUNK];

    /** A tree inode with links the archive has not reached yet. */
    private static final class TreeInode {
        final byte[] firstPath;
        int remaining;
        boolean dataEntry;
        ContentReader.Source source;

        TreeInode(byte[] firstPath, int nlink) { this.firstPath = firstPath; this.remaining = nlink; }
    }

    private Exclusions exclusions = Exclusions.of(List.of());

    /** Also compares where the data lies: a hole of SOURCE the archive stores as data is a difference (--sparse). */
    public ArchiveVerifier checkHoles(boolean on) {
        this.holes = on;
        return this;
    }

    public ArchiveVerifier(Findings out, Problems problems, Tally tally) {
        this(out, problems, tally, null);
    }

    /** @param reads as for {@link TreeVerifier}: SOURCE's reads given up when they hang (null: plain) */
    public ArchiveVerifier(Findings out, Problems problems, Tally tally, TimedReads reads) {
        this.out = out;
        this.problems = problems;
        this.tally = tally;
        this.meta = new MetadataCheck(out, "the archive");
        this.xattrs = new XattrCheck(out, problems, "the archive");
        this.content = new ContentReader(tally, reads);
    }

    /**
     * @param archive the plain tar stream (already decompressed)
     * @param source  the tree the archive should hold
     * @throws IOException when SOURCE cannot be opened or the archive cannot be read (a bad
     *                     archive stops the check: what follows cannot be trusted)
     */
    public void verify(TarReader archive, byte[] source) throws IOException {
        int root = TreeVerifier.openRoot(source, "SOURCE");
        try (TreeLookup tree = new TreeLookup(root)) {
            Entry e;
            while ((e = archive.next()) != null) {
                if (exclusions.excludesWithin(e.path())) continue;
                boolean again = !seen.add(e.path());
                // A directory stated again after files that went into it late (linkrescue writes a
                // rescue's damaged files last) is one path, its metadata compared the first time.
                if (again && e.type() == EntryType.DIRECTORY) continue;
                tally.path();
                if (again) problems.report(Grade.WARN, e.path(), "appears more than once in the archive");
                entry(e, archive, tree, root);
            }
            tree.close();
            missing(source);
        } finally {
            Posix.close(root);
        }
    }

    /**
     * Leaves out the paths these patterns exclude, in the archive and in SOURCE alike (what an
     * archive made with the same --exclude left out is no difference).
     */
    public ArchiveVerifier excluding(Exclusions e) {
        this.exclusions = e;
        return this;
    }

    /** Paths in the archive. */
    public int archivePaths() { return seen.size(); }

    private void entry(Entry e, TarReader archive, TreeLookup tree, int root) throws IOException {
        byte[] path = e.path();
        TreeLookup.Found f;
        if (e.isRoot()) {
            try {
                f = new TreeLookup.Found(Posix.fstat(root), root, Names.DOT);
            } catch (PosixException x) {
                problems.report(Grade.FAILED, path, "fstat in SOURCE: " + x.reason());
                return;
            }
        } else if (!TreeLookup.plain(path)) {
            out.difference(new Difference(DiffKind.EXTRA, path, "entry with a path that is not plain and relative (absolute or with ..)"));
            return;
        } else {
            try {
                f = tree.lookup(path);
            } catch (PosixException x) {
                problems.report(Grade.FAILED, path, "lstat in SOURCE: " + x.reason());
                return;
            }
            if (f == null) {
                out.difference(new Difference(DiffKind.EXTRA, path, word(e.type()) + " in the archive, not in SOURCE"));
                return;
            }
        }
        Stat st = f.stat();
        if (e.type() == EntryType.HARDLINK) {
            hardLink(e, st, tree);
            return;
        }
        int type = typeOf(e.type());
        if (st.type() != type) {
            out.difference(new Difference(DiffKind.TYPE, path,
                    Describe.both("a", Describe.type(st.type()), Describe.type(type), "the archive")));
            return;
        }
        byte[] target = null;
        if (st.isSymlink()) {
            try {
                target = Posix.readlinkAt(f.parentFd(), f.name());
            } catch (PosixException x) {
                problems.report(Grade.FAILED, path, "readlink in SOURCE: " + x.reason());
                return;
            }
        }
        meta.compare(path, MetadataCheck.of(st, target), new MetadataCheck.Meta(type, e.mode() & 07777, e.uid(), e.gid(),
                e.mtimeSec(), e.mtimeNsec(), st.isSymlink() ? e.linkTarget() : null, e.devMajor(), e.devMinor()));
        // A hard-link entry returned above: the attributes travel with the inode's first entry.
        xattrs.compare(path, xattrs.read(f.parentFd(), f.name(), path, "SOURCE"), xattrs.of(e.extra(), path));
        TreeInode ti = null;
        if (!st.isDir() && st.nlink() > 1) {
            ti = inodes.get(st.devId(), st.ino());
            if (ti == null) {
                ti = new TreeInode(path, st.nlink());
                inodes.put(st.devId(), st.ino(), ti);
            } else if (ti.dataEntry) {
                out.difference(new Difference(DiffKind.BROKEN_LINK, path, "shares an inode with '"
                        + Names.display(ti.firstPath) + "' in SOURCE, but the archive stores it as a separate "
                        + word(e.type())));
            }
            ti.dataEntry = true;
        }
        try {
            if (st.isRegular()) fileContent(e, archive, f, st, ti);
        } finally {
            done(st, ti);
        }
    }

    private void done(Stat st, TreeInode ti) {
        if (ti != null && --ti.remaining <= 0) inodes.remove(st.devId(), st.ino());
    }

    private void hardLink(Entry e, Stat st, TreeLookup tree) throws IOException {
        byte[] path = e.path();
        if (st.isDir()) {
            out.difference(new Difference(DiffKind.TYPE, path, "a directory in SOURCE, a hard link in the archive"));
            return;
        }
        byte[] to = e.linkTarget();
        if (!seen.contains(to) || !TreeLookup.plain(to)) {
            out.difference(new Difference(DiffKind.BROKEN_LINK, path, "the archive links it to '"
                    + Names.display(to) + "', which is not an earlier entry of the archive"));
            return;
        }
        TreeLookup.Found q;
        try {
            q = tree.lookup(to);
        } catch (PosixException x) {
            problems.report(Grade.FAILED, to, "lstat in SOURCE: " + x.reason());
            return;
        }
        // the lookup of `to` may have closed the directories of `path`; st is all we need of it
        if (q == null || q.stat().ino() != st.ino() || q.stat().devId() != st.devId()) {
            out.difference(new Difference(DiffKind.MERGED_LINK, path, "the archive links it to '"
                    + Names.display(to) + "', which is a separate inode in SOURCE"));
        }
        TreeInode ti = null;
        if (st.nlink() > 1) {
            ti = inodes.get(st.devId(), st.ino());
            if (ti == null) {
                ti = new TreeInode(path, st.nlink());
                inodes.put(st.devId(), st.ino(), ti);
            }
        }
        done(st, ti);
    }

    private void fileContent(Entry e, TarReader archive, TreeLookup.Found f, Stat st, TreeInode ti) throws IOException {
        byte[] path = e.path();
        long[] runs = archive.sparseRuns(); // before its data is read
        if (e.size() != st.size()) {
            out.difference(new Difference(DiffKind.CONTENT, path,
                    Describe.both("size", Long.toString(st.size()), Long.toString(e.size()), "the archive")));
            return;
        }
        long size = st.size();
        ContentReader.Source known = ti == null ? null : ti.source;
        if (known != null) { // this inode was read for an earlier entry: compare by hash
            byte[] h = entryHash(archive, size, known.bad());
            report(path, known, known.hash() == null || Arrays.equals(h, known.hash()) ? null
                    : "content differs (SHA-256)");
            return;
        }
        int fd;
        try {
            fd = content.openSource(f.parentFd(), f.name());
        } catch (IOException x) { // failed, or hung past the timeout
            BadRanges all = new BadRanges();
            all.add(0, size);
            ContentReader.Source s = new ContentReader.Source(null, all,
                    "open: " + (x instanceof PosixException p ? p.reason() : x.getMessage()));
            if (ti != null) ti.source = s;
            report(path, s, null);
            return;
        }
        try {
            ReadThrough r = new ReadThrough(fd, size, content.reads());
            MessageDigest h = Digests.sha256();
            long off = 0, mismatch = -1;
            while (off < size) {
                int n = r.readFully(treeBuf);
                readEntry(archive, entryBuf, n, path);
                h.update(treeBuf, 0, n);
                if (!r.bad().isEmpty()) zero(entryBuf, off, n, r.bad());
                if (mismatch < 0 && !Arrays.equals(treeBuf, 0, n, entryBuf, 0, n))
                    mismatch = off + Arrays.mismatch(treeBuf, 0, n, entryBuf, 0, n);
                off += n;
                tally.bytes(2L * n);
            }
            ContentReader.Source s = new ContentReader.Source(h.digest(), r.bad(), r.firstError());
            if (ti != null) ti.source = s;
            report(path, s, mismatch < 0 ? null : "first differing byte at offset " + mismatch);
            if (holes && st.blocks() * 512 < size) holes(path, fd, runs, size);
        } finally {
            Posix.close(fd);
        }
    }

    /** verify --archive --sparse: a hole of SOURCE the archive stores as data is a difference. */
    private void holes(byte[] path, int fd, long[] runs, long size) {
        try {
            String stored = HoleCheck.storedAsData(fd, runs, size);
            if (stored != null) out.difference(new Difference(DiffKind.SPARSE, path, stored));
        } catch (PosixException x) {
            problems.report(Grade.FAILED, path, "holes not compared: " + x.call() + ": " + x.reason());
        }
    }

    private void report(byte[] path, ContentReader.Source s, String difference) {
        if (difference != null) out.difference(new Difference(DiffKind.CONTENT, path, difference));
        if (!s.bad().isEmpty())
            out.unverifiable(path, s.bad().list(), "SOURCE cannot read " + s.bad().bytes() + " bytes"
                    + (s.error() == null ? "" : " (" + s.error() + ")"));
    }

    private byte[] entryHash(TarReader archive, long size, BadRanges mask) throws IOException {
        MessageDigest h = Digests.sha256();
        long off = 0;
        while (off < size) {
            int n = (int) Math.min(entryBuf.length, size - off);
            readEntry(archive, entryBuf, n, null);
            if (mask != null && !mask.isEmpty()) zero(entryBuf, off, n, mask);
            h.update(entryBuf, 0, n);
            off += n;
            tally.bytes(n);
        }
        return h.digest();
    }

    private static void readEntry(TarReader archive, byte[] buf, int n, byte[] path) throws IOException {
        int got = 0;
        while (got < n) {
            int k = archive.read(buf, got, n - got);
            if (k < 0) throw new IOException("archive entry " + (path == null ? "" : Names.display(path) + " ")
                    + "ends before its size");
            got += k;
        }
    }

    private static void zero(byte[] buf, long off, int n, BadRanges bad) {
        for (ByteRange r : bad.list()) {
            long s = Math.max(off, r.offset()), e = Math.min(off + n, r.end());
            if (s < e) Arrays.fill(buf, (int) (s - off), (int) (e - off), (byte) 0);
        }
    }

    /** Every path of the tree that the archive does not hold. */
    private void missing(byte[] source) throws IOException {
        new TreeScanner(problems, exclusions).walk(source, p -> {
            if (!seen.contains(p.path()))
                out.difference(new Difference(DiffKind.MISSING, p.path(), Describe.type(p.stat().type())
                        + " in SOURCE, not in the archive"));
        });
    }

    static int typeOf(EntryType t) {
        return switch (t) {
            case FILE, HARDLINK -> Stat.S_IFREG;
            case SYMLINK -> Stat.S_IFLNK;
            case DIRECTORY -> Stat.S_IFDIR;
            case FIFO -> Stat.S_IFIFO;
            case CHAR_DEVICE -> Stat.S_IFCHR;
            case BLOCK_DEVICE -> Stat.S_IFBLK;
        };
    }

    private static String word(EntryType t) {
        return t == EntryType.HARDLINK ? "hard link" : Describe.type(typeOf(t));
    }
}
