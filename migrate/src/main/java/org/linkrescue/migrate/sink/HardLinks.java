package org.linkrescue.migrate.sink;

import java.io.IOException;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * The disk sink's hard links. A link may only name an object this run made: a regular file by
 * its inode ({@link CreatedInodes}; symlinks, FIFOs and devices too when allowed), or a path made
 * and kept ({@link CreatedPaths}: no lstat then). A link to a file still written on a data
 * thread waits for it, since a file whose data fails is removed. At the target's link limit
 * (EMLINK) a separate copy is written, read back from the target, and later links go there
 * ({@link LinkCopies}). Link-target directories are kept open by path ({@link DirCache}), since
 * the targets of one snapshot's links lie in every earlier snapshot.
 */
final class HardLinks implements AutoCloseable {
    /** Link-target directories kept open: a snapshot per year of dailies, with the two cursors far below 1024. */
    private static final int LINK_DIRS = 400;

    /** Walks to the parents of new entries, making missing directories (the sink's). */
    private final DirCursor entries;
    /** Directories holding hard-link targets, by path: those come from every earlier snapshot at once. */
    private final DirCache linkDirs;
    private final CreatedInodes inodes = new CreatedInodes();
    /** What a hard link may name without an lstat first (bounded; a miss falls back to inodes). */
    private final CreatedPaths made = new CreatedPaths();
    private final LinkCopies copies = new LinkCopies();
    private final DataThreadFiles inFlight;
    private final MetadataWriter meta;
    private final FileData data;
    private final SinkFailures failures;
    private final MadeCounts counts;
    private final Problems problems;
    private boolean linksToNonRegular;

    HardLinks(int rootFd, DirCursor entries, DataThreadFiles inFlight, MetadataWriter meta, FileData data,
              SinkFailures failures, MadeCounts counts, Problems problems) {
        this.entries = entries;
        this.linkDirs = new DirCache(rootFd, LINK_DIRS);
        this.inFlight = inFlight;
        this.meta = meta;
        this.data = data;
        this.failures = failures;
        this.counts = counts;
        this.problems = problems;
    }

    /** Lets a link name a symlink, FIFO or device this run made (see {@link DiskSink#allowLinksToNonRegular}). */
    void allowLinksToNonRegular() { linksToNonRegular = true; }

    /** A regular file made and kept at p: linkable by path and by inode. */
    void kept(SafePath p, Stat st) {
        inodes.add(st.devId(), st.ino());
        made.add(p.bytes());
    }

    /**
     * Remembers a symlink, FIFO or device made this run: `cp -al` snapshots hard-link those too
     * (GNU tar and bsdtar archive such links as hard-link entries), so later paths may link to it.
     */
    void madeHere(int dir, byte[] name) throws PosixException {
        Stat st = Posix.lstatAt(dir, name);
        inodes.add(st.devId(), st.ino());
    }

    void link(Entry e) throws IOException, Refused {
        // A damaged inode's later paths are named in the rescue report as each is taken, which
        // needs the damage known by then, even when this link is refused: a link to a file still
        // read on a data thread waits for it first. (A target that does not parse is refused
        // below; it waits for every such file, as it cannot be told apart.)
        if (inFlight.reading()) {
            SafePath target = null;
            try {
                target = SafePath.parse(e.linkTarget());
            } catch (Refused r) {
                // refused below, after the wait
            }
            if (target == null || inFlight.reading(target)) inFlight.settleAll();
        }
        SafePath p = DiskSink.notRoot(SafePath.parse(e.path()), e);
        SafePath named;
        try {
            named = SafePath.parse(e.linkTarget());
        } catch (Refused r) {
            throw new Refused("hard link to '" + Names.display(e.linkTarget()) + "': " + r.reason());
        }
        SafePath src = copies.resolve(named);
        if (src.isRoot()) throw notExtracted(e);
        byte[] srcName = src.lastName();
        int srcDir;
        Stat st = null; // null: src is a path this run made and kept, no lstat needed (CreatedPaths)
        // A path made and kept is settled, so only one not (yet) known can still be in flight.
        boolean kept = made.contains(src.bytes());
        if (!kept && inFlight.holds(src)) {
            inFlight.settleAll(); // its data is still being written: a link to a file that may yet fail would outlive it
            failures.check();
            kept = made.contains(src.bytes());
        }
        try {
            srcDir = linkDirs.parentOf(src);
            if (!kept) st = linkableAt(srcDir, srcName, e);
        } catch (Refused r) {
            throw notExtracted(e);
        } catch (PosixException x) {
            if (TargetWriteException.isTargetFailure(x.errno())) throw x;
            throw notExtracted(e); // fail closed: what cannot be checked is not linked
        }
        int dir = entries.parentOf(p);
        byte[] name = p.lastName();
        try {
            Posix.linkAt(srcDir, srcName, dir, name);
            counts.links++;
        } catch (PosixException x) {
            if (x.errno() == Errno.EEXIST) throw new Refused("exists");
            if (x.errno() != Errno.EMLINK) throw x;
            if (st == null) st = linkableAt(srcDir, srcName, e);
            if (!st.isRegular()) throw x;
            separateCopy(e, p, dir, name, named, src, srcDir, srcName, st);
        }
    }

    /** lstat of a hard link's target, which must be an object this run made (by its inode). */
    private Stat linkableAt(int srcDir, byte[] srcName, Entry e) throws PosixException, Refused {
        Stat st = Posix.lstatAt(srcDir, srcName);
        if (st.isDir() || (!st.isRegular() && !linksToNonRegular) || !inodes.contains(st.devId(), st.ino()))
            throw notExtracted(e);
        return st;
    }

    /**
     * The inode cannot take one more link: write a separate copy of it (read back from the
     * target, since the stream's data went by long ago) and send later links there.
     */
    private void separateCopy(Entry e, SafePath p, int dir, byte[] name, SafePath named, SafePath src,
                              int srcDir, byte[] srcName, Stat st) throws IOException, Refused {
        int in = Posix.openat(srcDir, srcName, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
        try {
            Stat s = Posix.fstat(in);
            if (s.ino() != st.ino() || s.devId() != st.devId()) throw notExtracted(e);
            int out = DiskSink.create(dir, name, 0600);
            boolean keep = false;
            try {
                long n = data.copy(in, out, s.size());
                if (n != s.size()) {
                    failures.failed(e.path(), "separate copy of '" + src + "' not written: it had " + n + " of "
                            + s.size() + " bytes");
                    return;
                }
                meta.onFd(out, e.path(), s.uid(), s.gid(), s.perm(), s.mtimeSec(), s.mtimeNsec(), meta.recordsOf(in, e.path()));
                Stat copy = Posix.fstat(out);
                kept(p, copy);
                keep = true;
                counts.linkCopies++;
                counts.bytes += n;
            } catch (FileData.SourceFailed r) {
                failures.failed(e.path(), "separate copy of '" + src + "' not written: " + r.getMessage());
                return;
            } finally {
                Posix.close(out);
                if (!keep) DiskSink.unlinkQuietly(dir, name);
            }
        } finally {
            Posix.close(in);
        }
        copies.put(named, p);
        problems.report(Grade.WARN, e.path(), "'" + src + "' reached the target's link limit (EMLINK): "
                + "wrote a separate copy here; later links to '" + named + "' go to this copy");
    }

    private static Refused notExtracted(Entry e) {
        return new Refused("hard link to '" + Names.display(e.linkTarget())
                + "' which is not a regular file extracted in this run");
    }

    @Override
    public void close() { linkDirs.close(); }
}
