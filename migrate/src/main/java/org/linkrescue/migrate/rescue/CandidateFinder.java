package org.linkrescue.migrate.rescue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Where the good copies of a damaged file may be. A path P = S/R (S: the first
 * {@code snapshotDepth} components, naming the snapshot) yields, for each alternate in the order
 * given: a mirror's DIR/S/R, then DIR/S'/R for every other snapshot S' the mirror holds (sorted
 * bytewise; rsnapshot rotates daily.N names, so an old mirror keeps the file under another
 * name); an original's DIR/R. An inode with several paths has the candidates of each
 * ({@link #candidates(List)}). A mirror's snapshot directories are listed once and kept.
 *
 * It only names candidates; whether one exists or fits is the verifier's business.
 */
public final class CandidateFinder {
    private final List<Alternate> alternates;
    private final int depth;
    private final ConcurrentHashMap<Alternate, List<byte[]>> snapshots = new ConcurrentHashMap<>();

    public CandidateFinder(List<Alternate> alternates, int snapshotDepth) {
        if (snapshotDepth < 0) throw new IllegalArgumentException("--snapshot-depth " + snapshotDepth);
        this.alternates = List.copyOf(alternates);
        this.depth = snapshotDepth;
    }

    /** @param path the damaged file's path relative to SOURCE */
    public List<Candidate> candidates(byte[] path) {
        return candidates(List.of(path));
    }

    /**
     * The candidates of an inode through every one of its paths (relative to SOURCE, its first
     * path first), each file named once: for each alternate in order, a mirror's DIR/S/R of every
     * path, then DIR/S'/R of every path for every other snapshot S'; an original's DIR/R of every
     * path. A file renamed in a later snapshot thus offers the mirror's copy under either name.
     */
    public List<Candidate> candidates(List<byte[]> paths) {
        List<Candidate> out = new ArrayList<>();
        Set<ByteBuffer> seen = new HashSet<>();
        for (Alternate a : alternates) {
            List<Candidate> sameSnapshot = new ArrayList<>(), otherSnapshots = new ArrayList<>();
            for (byte[] path : paths) {
                byte[][] parts = Names.split(path);
                int s = Math.min(depth, parts.length);
                byte[] snap = joinAll(parts, 0, s), rest = joinAll(parts, s, parts.length);
                if (a.kind() == Alternate.Kind.ORIGINAL) {
                    if (rest.length > 0) sameSnapshot.add(new Candidate(a, rest));
                    continue;
                }
                sameSnapshot.add(new Candidate(a, joinAll(parts, 0, parts.length)));
                if (rest.length == 0 || s < depth) continue; // not below a snapshot: no other snapshot holds it
                for (byte[] other : snapshotsOf(a)) {
                    if (!Arrays.equals(other, snap)) otherSnapshots.add(new Candidate(a, Names.join(other, rest)));
                }
            }
            for (List<Candidate> list : List.of(sameSnapshot, otherSnapshots))
                for (Candidate c : list) if (seen.add(ByteBuffer.wrap(Names.bytes(c.origin())))) out.add(c);
        }
        return out;
    }

    /** The mirror's directories at the snapshot depth, bytewise sorted; unreadable parts are left out. */
    List<byte[]> snapshotsOf(Alternate a) {
        return snapshots.computeIfAbsent(a, k -> {
            List<byte[]> found = new ArrayList<>();
            int fd;
            try {
                fd = Posix.openat(Posix.AT_FDCWD, k.dir(), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            } catch (PosixException e) {
                return List.of();
            }
            try {
                collect(fd, new byte[0], depth, found);
            } finally {
                Posix.close(fd);
            }
            found.sort(Names::compare);
            return List.copyOf(found);
        });
    }

    private static void collect(int dirFd, byte[] prefix, int levels, List<byte[]> out) {
        if (levels == 0) { out.add(prefix); return; }
        List<byte[]> names;
        try {
            names = Posix.listDir(dirFd);
        } catch (PosixException e) {
            return;
        }
        for (byte[] n : names) {
            try {
                Stat st = Posix.lstatAt(dirFd, n);
                if (!st.isDir()) continue;
                if (levels == 1) { out.add(Names.join(prefix, n)); continue; }
                int sub = Posix.openDir(dirFd, n);
                try {
                    collect(sub, Names.join(prefix, n), levels - 1, out);
                } finally {
                    Posix.close(sub);
                }
            } catch (PosixException e) {
                // a snapshot directory of the mirror we cannot enter offers no candidates
            }
        }
    }

    private static byte[] joinAll(byte[][] parts, int from, int to) {
        byte[] r = new byte[0];
        for (int i = from; i < to; i++) r = Names.join(r, parts[i]);
        return r;
    }
}
