package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.util.Arrays;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * One lane's hard links. A link may only name an object an earlier entry of this run made
 * ({@link LinkTargets}, shared by the lanes): a regular file by its inode (symlinks, FIFOs and
 * devices too when allowed), or a path made and kept (no lstat then: for a later path the link
 * costs nothing but linkat). A link to a file still written on a data thread waits for it, since
 * a file whose data fails is removed. At the target's link limit (EMLINK) a separate copy is
 * written, read back from the target, and later links go there. Link-target directories are
 * kept open by path ({@link DirCache}), since the targets of one snapshot's links lie in every
 * earlier snapshot.
 */
final class HardLinks implements AutoCloseable {
    /** Walks to the parents of new entries, making missing directories (the lane's). */
    private final DirCursor entries;
    /** Directories holding hard-link targets, by path: those come from every earlier snapshot at once. */
    private final DirCache linkDirs;
    private final LinkTargets targets;
    private final MetadataWriter meta;
    private final FileData data;
    private final SinkFailures failures;
    private final MadeCounts counts;
    private final Problems problems;
    private boolean linksToNonRegular;

    /** @param linkDirs link-target directories kept open (see {@link DirCache}) */
    HardLinks(int rootFd, int linkDirs, DirCursor entries, LinkTargets targets, MetadataWriter meta, FileData data,
              SinkFailures failures, MadeCounts counts, Problems problems) {
        this.entries = entries;
        this.linkDirs = new DirCache(rootFd, linkDirs);
        this.targets = targets;
        this.meta = meta;
        this.data = data;
        this.failures = failures;
        this.counts = counts;
        this.problems = problems;
    }

    /** Lets a link name a symlink, FIFO or device this run made (see {@link DiskSink#allowLinksToNonRegular}). */
    /** Resuming: an existing name where a link goes may be a stopped run's leftover. */
    private Leftovers leftover;

    void leftovers(Leftovers l) { leftover = l; }

    void allowLinksToNonRegular() { linksToNonRegular = true; }

    /** A regular file made and kept at p by the entry at place seq: linkable by path and by inode. */
    void kept(SafePath p, Stat st, long seq) { targets.kept(p, st, seq); }

    /**
     * Remembers a symlink, FIFO or device made this run: `cp -al` snapshots hard-link those too
     * (GNU tar and bsdtar archive such links as hard-link entries), so later paths may link to it.
     */
    void madeHere(int dir, byte[] name, long seq) throws PosixException {
        targets.made(Posix.lstatAt(dir, name), seq);
    }

    /**
     * The link entry e at place seq, to be made at p, naming named (its target, cleaned; null:
     * it does not parse, and is refused).
     */
    void link(long seq, SafePath p, SafePath named, Entry e) throws IOException, Refused {
        if (named == null) {
            try {
                named = SafePath.parse(e.linkTarget());
            } catch (Refused r) {
                throw new Refused("hard link to '" + Names.display(e.linkTarget()) + "': " + r.reason());
            }
        }
        SafePath src = targets.resolve(named);
        while (true) {
            if (src.isRoot()) throw notExtracted(e);
            SafePath copy = linkTo(seq, p, e, named, src);
            if (copy == null) return;
            src = copy; // another lane made a separate copy meanwhile: link to that
        }
    }

    /** Links p to src; at the link limit, a separate copy. Returns a copy another lane made meanwhile, to link to instead. */
    private SafePath linkTo(long seq, SafePath p, Entry e, SafePath named, SafePath src) throws IOException, Refused {
        Stat st = null; // null: src is a path an earlier entry made and kept, no lstat needed
        // A kept path: linked from the latest link to it, in a directory most likely open already.
        SafePath from = targets.linkFrom(src, seq);
        if (from == null && targets.awaitLanded(src)) {
            // its data was still being written: a link to a file that may yet fail would outlive it
            failures.check();
            from = targets.linkFrom(src, seq);
        }
        boolean kept = from != null;
        if (!kept) from = src;
        int dir = entries.parentOf(p);
        byte[] name = p.lastNameZ();
        while (true) {
            byte[] fromName = from.sameLastName(p) ? name : from.lastNameZ();
            int fromDir;
            try {
                fromDir = linkDirs.parentOf(from);
                if (!kept) st = linkableAt(fromDir, from.lastName(), e, seq);
            } catch (Refused r) {
                throw notExtracted(e);
            } catch (PosixException x) {
                if (TargetWriteException.isTargetFailure(x.errno())) throw x;
                throw notExtracted(e); // fail closed: what cannot be checked is not linked
            }
            try {
                Posix.linkAtZ(fromDir, fromName, dir, name);
                counts.links++;
                if (kept) targets.linked(src, p);
                return null;
            } catch (PosixException x) {
                if (x.errno() == Errno.EEXIST) {
                    if (leftover == null || !leftover.replaced(dir, p.lastName(), fromDir, from.lastName())) throw new Refused("exists");
                    continue; // a stopped run's leftover, now gone: linked again
                }
                if (x.errno() == Errno.ENOENT && from != src) { // gone from there after all: from the target itself
                    from = src;
                    continue;
                }
                if (x.errno() != Errno.EMLINK) throw x;
                if (st == null) st = linkableAt(fromDir, from.lastName(), e, seq);
                if (!st.isRegular()) throw x;
            }
            synchronized (targets.copying) { // one copy for all lanes at the limit at once
                SafePath now = targets.resolve(named);
                if (!Arrays.equals(now.bytes(), src.bytes())) return now;
                separateCopy(seq, e, p, dir, p.lastName(), named, src, fromDir, from.lastName(), st);
                return null;
            }
        }
    }

    /** lstat of a hard link's target, which must be an object an earlier entry made (by its inode). */
    private Stat linkableAt(int srcDir, byte[] srcName, Entry e, long seq) throws PosixException, Refused {
        Stat st = Posix.lstatAt(srcDir, srcName);
        if (st.isDir() || (!st.isRegular() && !linksToNonRegular) || !targets.madeBefore(st.devId(), st.ino(), seq))
            throw notExtracted(e);
        return st;
    }

    /**
     * The inode cannot take one more link: write a separate copy of it (read back from the
     * target, since the stream's data went by long ago) and send later links there.
     */
    private void separateCopy(long seq, Entry e, SafePath p, int dir, byte[] name, SafePath named, SafePath src,
                              int srcDir, byte[] srcName, Stat st) throws IOException, Refused {
        int in = Posix.openat(srcDir, srcName, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
        try {
            Stat s = Posix.fstat(in);
            if (s.ino() != st.ino() || s.devId() != st.devId()) throw notExtracted(e);
            int out = EntryWriter.create(dir, name, 0600);
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
                kept(p, copy, seq);
                keep = true;
                counts.linkCopies++;
                counts.bytes += n;
            } catch (FileData.SourceFailed r) {
                failures.failed(e.path(), "separate copy of '" + src + "' not written: " + r.getMessage());
                return;
            } finally {
                Posix.close(out);
                if (!keep) EntryWriter.unlinkQuietly(dir, name);
            }
        } finally {
            Posix.close(in);
        }
        targets.redirect(named, p, seq);
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
