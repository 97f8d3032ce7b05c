package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.scan.LinkTable;
import org.linkrescue.migrate.scan.ScannedPath;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.stream.Alternates;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Fills what the drive could not read from its copies ({@link Alternates}), instead of an empty
 * directory that looks legitimately empty, or nothing at all:
 * <ul>
 *   <li>a directory whose listing failed gets the paths of the first copy of it that exists (a
 *       mirror's same snapshot, a rotated one, the original); a name whose lstat failed, the
 *       first copy of that path (a whole directory, if it is one);</li>
 *   <li>a copied file proven to be a drive inode (the same relative path in a neighbouring
 *       snapshot, the same size and mtime, every byte equal) becomes one more link to that
 *       inode, as it was on the drive (or the inode's first path, when its other paths come
 *       later in the scan); it is <em>verified</em>;</li>
 *   <li>any other path is copied as the copy has it, a file with its origin in its provenance
 *       ({@code LINKRESCUE.ranges}), and counted <em>unverified</em>;</li>
 *   <li>a directory nothing fills is made empty with mode {@link #UNFILLED_MODE} and mtime
 *       {@link #UNFILLED_MTIME} (1970-01-01), which shows it is not the source's.</li>
 * </ul>
 * Each is reported on one line and in the rescue report; the run's exit code says something
 * could not be read (3): what a lost listing held is known only from its copies. A resumed run
 * that cannot list a directory its stopped run was inside fills the rest of it the same way
 * ({@link #rest}): what the stopped run wrote of it stays.
 */
final class Refill {
    /** The mode of a directory nothing could fill: the owner's only, as no snapshot directory is made. */
    static final int UNFILLED_MODE = 0700;
    /** Its mtime: the epoch, which no backup has. */
    static final long UNFILLED_MTIME = 0;

    private final Alternates alternates;
    private final EntryMaker maker;
    private final LinkTable links;
    private final ReadAhead out;
    private final Problems problems;
    /** The stream's numbers: every entry made here counts, and every change to the link table is told. */
    private final StreamNumbers numbers;

    Refill(Alternates alternates, EntryMaker maker, LinkTable links, ReadAhead out, Problems problems, StreamNumbers numbers) {
        this.alternates = alternates;
        this.maker = maker;
        this.links = links;
        this.out = out;
        this.problems = problems;
        this.numbers = numbers;
    }

    /** What one fill made: counts, and the paths copied unverified. */
    private static final class Made {
        long filled, verified;
        final List<byte[]> unverified = new ArrayList<>();
    }

    /**
     * A directory whose own lstat worked (dir) but which could not be opened or listed: its
     * entry, then what the first copy of it holds below it.
     */
    void directory(ScannedPath dir, String why) throws IOException {
        Alternates.Place place = firstPlace(dir.path(), true);
        if (place == null) {
            Entry e = maker.make(dir);
            out.accept(new Entry(e.path(), EntryType.DIRECTORY, UNFILLED_MODE, e.uid(), e.gid(), e.uname(), e.gname(), 0,
                    UNFILLED_MTIME, 0, null, 0, 0, e.extra()), null);
            numbers.handedOn();
            problems.report(Grade.WARN, dir.path(), "no copy of this directory: made empty, mode 0700, mtime 1970-01-01"
                    + " (not the source's)");
            alternates.unreadable(new Alternates.Unreadable(dir.path(), true, why, null, 0, 0, 0, List.of()));
            return;
        }
        out.accept(maker.make(dir), null);
        numbers.handedOn();
        Made m = new Made();
        below(place, dir.path(), null, m);
        said(dir.path(), true, why, place, m);
    }

    /**
     * A directory a stopped run was inside (its entry, and every path up to after below it,
     * are written) that the drive cannot list now: what the first copy of it holds after that,
     * as {@link #directory} fills one a first run cannot list.
     */
    void rest(byte[] path, byte[] after, String why) throws IOException {
        Alternates.Place place = firstPlace(path, true);
        if (place == null) {
            problems.report(Grade.WARN, path, "no copy of this directory: what a stopped run had not written of it"
                    + " (after " + Names.display(after) + ") is left out");
            alternates.unreadable(new Alternates.Unreadable(path, true, why, null, 0, 0, 0, List.of()));
            return;
        }
        Made m = new Made();
        below(place, path, after, m);
        said(path, true, why, place, m);
    }

    /** Whether a stopped run this one resumes recorded path as unreadable (and filled it, whole). */
    boolean filledBefore(byte[] path) { return alternates.recorded(path); }

    /** A name whose lstat (or readlink) failed: the first copy of that path, whatever it is. */
    void name(byte[] path, String why) throws IOException {
        Alternates.Place place = firstPlace(path, false);
        if (place == null) {
            problems.report(Grade.WARN, path, "no copy of it: left out");
            alternates.unreadable(new Alternates.Unreadable(path, false, why, null, 0, 0, 0, List.of()));
            return;
        }
        Made m = new Made();
        Stat st = Posix.lstatAt(Posix.AT_FDCWD, place.path());
        int parent = Posix.openat(Posix.AT_FDCWD, parentOf(place.path()), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        try {
            one(new ScannedPath(path, lastName(path), parent, st, st.isSymlink() ? Posix.readlinkAt(parent, lastName(place.path())) : null),
                    place.path(), place.origin(), m);
        } finally {
            Posix.close(parent);
        }
        if (st.isDir()) below(place, path, null, m);
        said(path, false, why, place, m);
    }

    /** Every path below the copy at place (after: only those after that path below it), as paths below at. */
    private void below(Alternates.Place place, byte[] at, byte[] after, Made m) throws IOException {
        Problems inCopy = (g, p, w) -> problems.report(Grade.WARN, p == null ? at : Names.join(at, p), "in the copy: " + w);
        new TreeScanner(inCopy).resumeAfter(after).walk(place.path(), new TreeScanner.Visitor() {
            @Override public void visit(ScannedPath q) throws IOException {
                if (q.isRoot()) return;
                byte[] copy = Names.join(place.path(), q.path());
                one(new ScannedPath(Names.join(at, q.path()), q.name(), q.parentFd(), q.stat(), q.linkTarget()), copy,
                        place.origin() + "/" + Names.latin1(q.path()), m);
            }
        });
    }

    /** One path p (its stat and name the copy's) made from the copy at copy. */
    private void one(ScannedPath p, byte[] copy, String origin, Made m) throws IOException {
        m.filled++;
        Entry e = maker.make(p);
        if (e == null) return; // a socket: nothing to carry
        if (e.type() != EntryType.FILE) {
            out.accept(e, null);
            numbers.handedOn();
            m.unverified.add(p.path());
            return;
        }
        Alternates.Match match = alternates.onDrive(p.path(), copy, p.stat());
        if (match != null) {
            Stat st = match.stat();
            Entry asOnDrive = maker.make(new ScannedPath(p.path(), p.name(), p.parentFd(), st, null));
            byte[] first = links.link(st.devId(), st.ino(), st.nlink(), p.path());
            // Told as the scan tells its own links, so a rescue map's link table stays the scan's.
            if (first != null && links.closedLast()) numbers.link(Evacuation.LinkChange.CLOSED, st, null);
            else if (st.nlink() > 1) numbers.link(Evacuation.LinkChange.FIRST, st, p.path());
            if (first != null && first != LinkTable.FAILED) {
                out.acceptLaterPath(asOnDrive.asHardLinkTo(first), st.devId(), st.ino());
                numbers.handedOn();
                m.verified++;
                return;
            }
            if (first == null) { // the inode's first path in the stream: its bytes, proven equal, from the copy
                out.acceptFile(asOnDrive, new CopyContent(open(copy), st.size(), null), st.ino());
                numbers.handedOn();
                m.verified++;
                return;
            }
        }
        out.acceptFile(e, new CopyContent(open(copy), p.stat().size(), origin), p.stat().ino());
        numbers.handedOn();
        m.unverified.add(p.path());
    }

    /** The first copy of path that exists (a directory, when dir). */
    private Alternates.Place firstPlace(byte[] path, boolean dir) {
        for (Alternates.Place place : alternates.places(path)) {
            try {
                Stat st = Posix.lstatAt(Posix.AT_FDCWD, place.path());
                if (!dir || st.isDir()) return place;
            } catch (PosixException e) {
                // not there: the next copy
            }
        }
        return null;
    }

    private void said(byte[] path, boolean directory, String why, Alternates.Place place, Made m) {
        long unverified = m.unverified.size();
        problems.report(Grade.WARN, path, "filled from " + Names.display(Names.bytes(place.origin())) + ": " + m.filled
                + " paths, " + m.verified + " verified against the drive, " + unverified + " copied unverified");
        alternates.unreadable(new Alternates.Unreadable(path, directory, why, place.origin(), m.filled, m.verified,
                unverified, List.copyOf(m.unverified)));
    }

    private static int open(byte[] path) throws PosixException {
        return Posix.openat(Posix.AT_FDCWD, path, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
    }

    private static byte[] lastName(byte[] path) {
        byte[][] parts = Names.split(path);
        return parts[parts.length - 1];
    }

    private static byte[] parentOf(byte[] path) {
        int i = path.length - 1;
        while (i > 0 && path[i] != '/') i--;
        return i <= 0 ? (path.length > 0 && path[0] == '/' ? Names.bytes("/") : Names.DOT) : Arrays.copyOf(path, i);
    }
}
