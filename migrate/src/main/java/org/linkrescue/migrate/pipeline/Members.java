package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.ReadLimits;
import org.linkrescue.archive.TarReader;
import org.linkrescue.archive.UnsupportedEntryException;

/**
 * The members named on extract's command line, as tar takes them: a name selects the entry of
 * that name and, for a directory, everything below it; names are compared as the archive holds
 * them after a leading "./" and a trailing '/' are dropped on both sides (tar compares them
 * literally, so "d1" there misses "./d1"). No wildcards.
 *
 * <p>A selected hard link whose first path is not selected names bytes the run would not make.
 * tar then fails it ("Cannot hard link to ..."). Given a first look at the archive's headers
 * ({@link #plan}, possible for an archive file, not for a pipe), the first path's entry is made at
 * the first selected link's path instead, and the other selected links point there: every
 * member asked for comes out, links kept among them.
 */
public final class Members {
    private final List<byte[]> names;
    private final boolean[] found;
    /** First path not selected -> the selected link path its entry is made at. */
    private final Map<Key, byte[]> movedTo = new HashMap<>();
    private boolean planned;

    private record Key(byte[] b) {
        @Override public boolean equals(Object o) { return o instanceof Key k && Arrays.equals(k.b, b); }
        @Override public int hashCode() { return Arrays.hashCode(b); }
    }

    private Members(List<byte[]> names) {
        this.names = names;
        this.found = new boolean[names.size()];
    }

    public static Members of(List<byte[]> names) {
        List<byte[]> n = new ArrayList<>();
        for (byte[] m : names) n.add(TarReader.normalize(m));
        return new Members(n);
    }

    /** Whether path is a member or lies below one; marks the members it matches as found. */
    public boolean selects(byte[] path) {
        boolean any = false;
        for (int i = 0; i < names.size(); i++) {
            if (within(path, names.get(i))) {
                found[i] = true;
                any = true;
            }
        }
        return any;
    }

    private boolean selectsQuietly(byte[] path) {
        for (byte[] n : names) if (within(path, n)) return true;
        return false;
    }

    private static boolean within(byte[] path, byte[] member) {
        if (member.length == 1 && member[0] == '.') return true;
        if (path.length < member.length || !Arrays.equals(path, 0, member.length, member, 0, member.length)) return false;
        return path.length == member.length || path[member.length] == '/';
    }

    /**
     * A first pass over the archive's headers: for each selected hard link whose first path is
     * not selected, where that first path's entry will be made instead.
     */
    public void plan(TarReader headers) throws IOException {
        while (true) {
            Entry e;
            try {
                e = headers.next();
            } catch (UnsupportedEntryException u) {
                continue; // the real pass reports it
            }
            if (e == null) break;
            if (e.type() != EntryType.HARDLINK || !selectsQuietly(e.path())) continue;
            byte[] first = e.linkTarget();
            if (!selectsQuietly(first)) movedTo.putIfAbsent(new Key(first), e.path());
        }
        planned = true;
    }

    /** {@link #plan(TarReader)} over an uncompressed archive file's headers (its data is seeked over); closes file. */
    public void plan(ArchiveFile file, ReadLimits limits) throws IOException {
        try (file) {
            plan(new TarReader(file.stream(), limits));
        }
    }

    /**
     * The entry to make for e (with the path it is made at), or null to leave it out. A hard
     * link is pointed at where its first path was made.
     *
     * @throws NotSelected for a selected hard link whose first path was neither selected nor
     *                     planned for (a pipe): the caller reports it
     */
    public Entry select(Entry e) throws NotSelected {
        byte[] at = movedTo.get(new Key(e.path()));
        if (at != null && e.type() != EntryType.HARDLINK) {
            selects(at);
            return e.withPath(at);
        }
        if (!selects(e.path())) return null;
        if (e.type() != EntryType.HARDLINK || selectsQuietly(e.linkTarget())) return e;
        byte[] moved = movedTo.get(new Key(e.linkTarget()));
        if (moved == null) throw new NotSelected(planned);
        if (Arrays.equals(moved, e.path())) return null; // made already, as the first path's entry
        return new Entry(e.path(), e.type(), e.mode(), e.uid(), e.gid(), e.uname(), e.gname(), 0, e.mtimeSec(), e.mtimeNsec(),
                moved, e.devMajor(), e.devMinor(), e.extra());
    }

    /** The members that matched no entry. */
    public List<byte[]> notFound() {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) if (!found[i]) out.add(names.get(i));
        return out;
    }

    /** A selected hard link to a first path this run does not make. */
    public static final class NotSelected extends Exception {
        NotSelected(boolean planned) {
            super(planned ? "hard link to an entry not found in the archive: not made"
                    : "hard link to an entry that is not among the members extracted: not made (name that path too,"
                            + " or give the archive as a file rather than a pipe)", null, false, false);
        }
    }

    @Override public String toString() { return names.stream().map(Names::display).toList().toString(); }
}
