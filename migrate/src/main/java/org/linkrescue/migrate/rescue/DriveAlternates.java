package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.TimedOpens;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Alternates;
import org.linkrescue.migrate.stream.Stop;

/**
 * The alternates of a rescue, for what the drive could not even list or lstat: the candidates
 * of a path are those of a damaged file (a mirror's same snapshot, its rotated ones, the
 * original: {@link CandidateFinder}); a copy is checked against the drive's inode at the same
 * relative path in a neighbouring snapshot of SOURCE, read now through the timed reads, byte for
 * byte: the deduplication the drive had is kept where the copy is proven to be that inode's.
 */
final class DriveAlternates implements Alternates {
    private static final int CHUNK = 1 << 20;

    private final CandidateFinder finder;
    private final CandidateFinder snapshotsOfSource;
    private final byte[] sourceRoot;
    private final TimedReads reads;
    private final RescueReport report;
    private final StopCheck stop;

    /** @param stop looked at before each chunk of a comparison: a large file's does not hold a stopping run */
    DriveAlternates(CandidateFinder finder, byte[] sourceRoot, int snapshotDepth, TimedReads reads, RescueReport report, StopCheck stop) {
        this.finder = finder;
        this.sourceRoot = sourceRoot;
        this.snapshotsOfSource = new CandidateFinder(List.of(new Alternate(Alternate.Kind.MIRROR, sourceRoot)), snapshotDepth);
        this.reads = reads;
        this.report = report;
        this.stop = stop;
    }

    @Override
    public List<Place> places(byte[] path) {
        List<Place> out = new ArrayList<>();
        for (Candidate c : finder.candidates(path)) out.add(new Place(Names.join(c.alternate().dir(), c.relPath()), c.origin()));
        return out;
    }

    @Override
    public Match onDrive(byte[] path, byte[] copy, Stat copyStat) throws IOException {
        for (byte[] other : neighbours(path)) {
            Stat st;
            try {
                st = reads.calls().call("lstat", () -> Posix.lstatAt(Posix.AT_FDCWD, Names.join(sourceRoot, other)));
            } catch (IOException e) {
                continue; // unreadable there too: the next neighbour
            }
            if (!st.isRegular() || st.size() != copyStat.size() || !CandidateFile.mtimeMatches(copyStat, st)) continue;
            if (sameBytes(Names.join(sourceRoot, other), st, copy)) return new Match(other, st);
        }
        return null;
    }

    /** The same relative path in SOURCE's other snapshots, the nearest first (the one before, the one after, ...). */
    private List<byte[]> neighbours(byte[] path) {
        List<byte[]> others = new ArrayList<>();
        for (Candidate c : snapshotsOfSource.candidates(path)) if (!Arrays.equals(c.relPath(), path)) others.add(c.relPath());
        List<byte[]> all = new ArrayList<>(others);
        all.add(path);
        all.sort(Names::compare);
        int at = 0;
        while (!Arrays.equals(all.get(at), path)) at++;
        List<byte[]> out = new ArrayList<>();
        for (int d = 1; out.size() < others.size(); d++) {
            if (at - d >= 0) out.add(all.get(at - d));
            if (at + d < all.size()) out.add(all.get(at + d));
        }
        return out;
    }

    /**
     * Whether the drive's file at drivePath (lstat st) holds exactly the bytes of the file at
     * copy; false when either cannot be read whole.
     *
     * @throws Stop.Stopped the run is stopping: no verdict (the fill is made again on resume)
     */
    private boolean sameBytes(byte[] drivePath, Stat st, byte[] copy) throws Stop.Stopped {
        TimedOpens.Opened o;
        try {
            o = reads.opens().open(Posix.AT_FDCWD, drivePath, Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK);
        } catch (IOException e) {
            return false;
        }
        int theirs = -1;
        try {
            if (o.stat().ino() != st.ino() || o.stat().devId() != st.devId()) return false;
            theirs = Posix.openat(Posix.AT_FDCWD, copy, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
            byte[] a = new byte[CHUNK], b = new byte[CHUNK];
            long size = st.size();
            for (long off = 0; off < size; ) {
                stop.check();
                int want = (int) Math.min(CHUNK, size - off);
                int n = reads.pread(o.fd(), a, 0, want, off);
                if (n <= 0) return false;
                int m = 0;
                while (m < n) {
                    int k = Posix.pread(theirs, b, n - m, off + m);
                    if (k <= 0) return false;
                    if (!Arrays.equals(a, m, m + k, b, 0, k)) return false;
                    m += k;
                }
                off += n;
            }
            return true;
        } catch (Stop.Stopped e) {
            throw e;
        } catch (IOException e) {
            return false; // a read of the drive that fails or hangs proves nothing
        } finally {
            Posix.close(theirs);
            reads.reader().close(o.fd());
        }
    }

    @Override
    public void unreadable(Unreadable u) {
        report.unreadable(u);
    }

    @Override
    public boolean recorded(byte[] path) {
        for (Unreadable u : report.unreadable()) if (Arrays.equals(u.path(), path)) return true;
        return false;
    }
}
