package org.linkrescue.migrate.inventory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.ddrescue.ExtentScan;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.report.Counts;
import org.linkrescue.migrate.rescue.DamagedInodeRecord;
import org.linkrescue.migrate.rescue.RescueContentSource;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.rescue.RescueReport;
import org.linkrescue.migrate.scan.InodeTable;
import org.linkrescue.migrate.scan.ScannedPath;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.verify.Tally;

/**
 * Counts a tree the way a snapshot farm is understood: per snapshot (the first
 * --snapshot-depth components of a path) its paths, its inodes, and the bytes of inodes first
 * met in it (what it does not share with the snapshots before it); in all, paths, inodes, the
 * hard-link histogram, unique against apparent bytes, special files.
 *
 * <p>With the read test, every regular inode's data is read once, at its first path, through
 * the rescue reader (large reads, then block by block where they fail, with retries and a read
 * timeout; no alternates): each damaged inode is listed with its bad ranges and ALL its paths,
 * the later ones collected as the walk meets them.
 *
 * <p>Memory: an inode is remembered only while it has links still to come (directories never),
 * and the damaged inodes are kept (few, on any drive still worth reading).
 */
public final class Inventory {
    private final int depth;
    private final boolean readTest;
    private final Problems problems;
    private final Tally tally;
    private final RescueOptions rescueOptions;

    private final InodeTable<Open> open = new InodeTable<>();
    private final List<SnapshotStats> snapshots = new ArrayList<>();
    private final SortedMap<Integer, Long> linkHistogram = new TreeMap<>();
    private long paths, inodes, files, dirs, symlinks, fifos, charDevices, blockDevices, uniqueBytes, apparentBytes;
    /** Inodes by type (the one vocabulary counts kinds as inodes; the fields above count paths). */
    private long fileInodes, symlinkInodes, specialInodes;
    private long inodesRead, bytesRead;
    private RescueReport report;
    /** With a ddrescue mapfile: the damage map from extents, in place of the read test. */
    private MappedDamage mapped;
    /** How the read test reads the drive. */
    private BlockReader drive = BlockReader.REAL;
    /**
     * What the rescue reader reported while reading the inode in hand: dropped when the inode
     * turns out damaged (the damage map lists it, with its ranges), passed on otherwise.
     */
    private final List<Runnable> pending = new ArrayList<>();

    // the snapshot being walked
    private int snapIndex = -1;
    private byte[] snapName;
    private long sPaths, sInodes, sNewInodes, sNewBytes, sBytes;
    private PathFilter filter = PathFilter.NONE;
    /** Whether the path in hand lies in a snapshot (not above them); counts go to the snapshot only then. */
    private boolean inSnapshot;

    /** An inode with links still to come. */
    private static final class Open {
        int remaining;
        int lastSnapshot;
        boolean damaged;

        Open(int nlink, int snapshot) { remaining = nlink; lastSnapshot = snapshot; }
    }

    /**
     * @param snapshotDepth path components that name a snapshot (1: date-stamped dirs; 0: the
     *                      whole tree is one snapshot)
     * @param rescueOptions how the read test reads (block size, retries, timeout, spool dir)
     */
    public Inventory(int snapshotDepth, boolean readTest, RescueOptions rescueOptions, Problems problems, Tally tally) {
        if (snapshotDepth < 0) throw new IllegalArgumentException("--snapshot-depth must be >= 0, not " + snapshotDepth);
        this.depth = snapshotDepth;
        this.readTest = readTest;
        this.problems = problems;
        this.tally = tally;
        this.rescueOptions = rescueOptions.withAlternates(List.of()).withSnapshotDepth(snapshotDepth);
    }

    /** Reads the drive through drive under the read test (a ddrescue image read as the drive would be). */
    public Inventory readingThrough(BlockReader drive) {
        this.drive = drive;
        return this;
    }

    /** Maps every file and directory against a ddrescue mapfile instead of reading them (scan --ddrescue-map). */
    public Inventory mappedBy(ExtentScan scan) {
        this.mapped = new MappedDamage(scan, problems);
        return this;
    }

    /** Leaves out what filter says (--exclude): a directory with everything below it. */
    public Inventory filter(PathFilter f) {
        this.filter = f;
        return this;
    }

    /** Walks the tree at root. @throws IOException when root cannot be opened */
    public void run(byte[] root) throws IOException {
        report = new RescueReport();
        Problems held = (g, p, w) -> pending.add(() -> problems.report(g, p, w));
        try (RescueContentSource reader = readTest ? new RescueContentSource(rescueOptions, held, report, drive) : null) {
            new TreeScanner(problems, filter).walk(root, p -> visit(p, reader));
        }
        closeSnapshot();
        if (mapped != null) mapped.finish(root);
    }

    private void visit(ScannedPath p, RescueContentSource reader) throws IOException {
        paths++;
        tally.path();
        Stat st = p.stat();
        snapshotOf(p.path());
        if (inSnapshot) sPaths++;
        switch (st.type()) {
            case Stat.S_IFREG -> { files++; apparentBytes += st.size(); if (inSnapshot) sBytes += st.size(); }
            case Stat.S_IFDIR -> dirs++;
            case Stat.S_IFLNK -> symlinks++;
            case Stat.S_IFIFO -> fifos++;
            case Stat.S_IFCHR -> charDevices++;
            case Stat.S_IFBLK -> blockDevices++;
            default -> { }
        }
        // a directory's nlink counts its subdirectories, not hard links: it is always one inode, once
        int nlink = st.isDir() ? 1 : st.nlink();
        if (nlink > 1) {
            Open o = open.get(st.devId(), st.ino());
            if (o != null) {
                if (inSnapshot && o.lastSnapshot != snapIndex) { sInodes++; o.lastSnapshot = snapIndex; }
                if (o.damaged && mapped != null) mapped.laterPath(st, p.path());
                else if (o.damaged) report.addPath(st.devId(), st.ino(), p.path());
                if (--o.remaining <= 0) open.remove(st.devId(), st.ino());
                return;
            }
            o = new Open(nlink - 1, inSnapshot ? snapIndex : -1);
            open.put(st.devId(), st.ino(), o);
            o.damaged = firstSight(p, nlink, reader);
            return;
        }
        firstSight(p, nlink, reader);
    }

    /** An inode met for the first time: counts it, reads it under the read test; true when damaged. */
    private boolean firstSight(ScannedPath p, int nlink, RescueContentSource reader) throws IOException {
        Stat st = p.stat();
        inodes++;
        switch (st.type()) {
            case Stat.S_IFREG -> fileInodes++;
            case Stat.S_IFDIR -> { }
            case Stat.S_IFLNK -> symlinkInodes++;
            default -> specialInodes++;
        }
        if (inSnapshot) {
            sInodes++;
            sNewInodes++;
            if (st.isRegular()) sNewBytes += st.size();
        }
        linkHistogram.merge(nlink, 1L, Long::sum);
        boolean damagedByMap = mapped != null && mapped.firstSight(p);
        if (!st.isRegular()) return false;
        uniqueBytes += st.size();
        if (reader == null) return damagedByMap;
        return read(p, reader);
    }

    private boolean read(ScannedPath p, RescueContentSource reader) throws IOException {
        Stat st = p.stat();
        inodesRead++;
        try (Content c = reader.open(p.path(), p.parentFd(), p.name(), st)) {
            c.feed((buf, off, len) -> {
                bytesRead += len;
                tally.bytes(len);
            });
        } catch (PosixException e) {
            // the rescue reader recorded the inode as damaged (cannot be opened) before throwing
            if (report.record(st.devId(), st.ino()) == null)
                problems.report(Grade.FAILED, p.path(), "read test: " + e.reason());
        } catch (IOException e) {
            if (report.record(st.devId(), st.ino()) == null)
                problems.report(Grade.FAILED, p.path(), "read test: " + e.getMessage());
        }
        boolean damaged = report.record(st.devId(), st.ino()) != null;
        if (!damaged) pending.forEach(Runnable::run);
        pending.clear();
        return damaged;
    }

    private void snapshotOf(byte[] path) {
        byte[] name = snapshotName(path);
        inSnapshot = name != null;
        if (name == null) return; // above the snapshots: counted in the totals only
        if (snapName != null && Arrays.equals(name, snapName)) return;
        closeSnapshot();
        snapName = name;
        snapIndex++;
    }

    /** The first depth components of path, or null when it has fewer (it is above the snapshots). */
    byte[] snapshotName(byte[] path) {
        if (depth == 0) return Names.DOT;
        if (path.length == 1 && path[0] == '.') return null;
        int comps = 1;
        for (int i = 0; i < path.length; i++) {
            if (path[i] == '/') {
                if (comps == depth) return Arrays.copyOf(path, i);
                comps++;
            }
        }
        return comps == depth ? path : null;
    }

    private void closeSnapshot() {
        if (snapName == null) return;
        snapshots.add(new SnapshotStats(snapName, sPaths, sInodes, sNewInodes, sNewBytes, sBytes));
        snapName = null;
        sPaths = sInodes = sNewInodes = sNewBytes = sBytes = 0;
    }

    public List<SnapshotStats> snapshots() { return snapshots; }
    /** Inodes by link count (nlink as lstat gives it, links outside the tree included). */
    public SortedMap<Integer, Long> linkHistogram() { return linkHistogram; }
    /** The one vocabulary's counts (kinds as inodes, bytes unique). */
    public Counts counts() {
        return new Counts(paths, inodes, fileInodes, dirs, symlinkInodes, specialInodes, uniqueBytes);
    }

    public long paths() { return paths; }
    public long inodes() { return inodes; }
    public long files() { return files; }
    public long dirs() { return dirs; }
    public long symlinks() { return symlinks; }
    public long specialFiles() { return fifos + charDevices + blockDevices; }
    public long fifos() { return fifos; }
    public long charDevices() { return charDevices; }
    public long blockDevices() { return blockDevices; }
    public long uniqueBytes() { return uniqueBytes; }
    public long apparentBytes() { return apparentBytes; }
    public boolean readTest() { return readTest; }
    public long inodesRead() { return inodesRead; }
    public long bytesRead() { return bytesRead; }
    public int peakOpenInodes() { return Math.toIntExact(open.peakOpenInodes()); }

    /** Whether the damage map came from a ddrescue mapfile (extents, no data read). */
    public boolean mapped() { return mapped != null; }

    /** With a mapfile: the files whose bytes the file system could not place (unverifiable). */
    public List<DamagedInode> unverifiable() { return mapped == null ? List.of() : mapped.unverifiable(); }

    /** With a mapfile: the directories whose own blocks are unrescued. */
    List<MappedDamage.DamagedDirectory> damagedDirectories() { return mapped == null ? List.of() : mapped.directories(); }

    /** With a mapfile: the unrescued areas that no file or directory of the tree holds. */
    public List<ExtentScan.Unowned> unowned() { return mapped == null ? List.of() : mapped.unowned(); }

    public ExtentScan extentScan() { return mapped == null ? null : mapped.scan(); }

    /** Whether anything may be lost (scan's exit status 3). */
    public boolean damageFound() { return mapped != null ? mapped.anyDamage() : !damaged().isEmpty(); }

    /** The damaged inodes with all their paths, in walk order (empty without the read test or a mapfile). */
    public List<DamagedInode> damaged() {
        if (mapped != null) return mapped.damaged();
        List<DamagedInode> out = new ArrayList<>();
        if (report == null) return out;
        for (DamagedInodeRecord r : report.records()) {
            out.add(new DamagedInode(r.ino(), r.size(), r.mtimeSec(), r.mtimeNsec(), List.copyOf(r.paths()), r.badRanges(), r.errors()));
        }
        return out;
    }
}
