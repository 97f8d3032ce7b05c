package org.linkrescue.migrate.sink;

import java.io.IOException;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * The one class that writes to the target directory. Every entry goes the same way: clean its
 * path ({@link SafePath}), find its parent by a no-follow walk from the target's root descriptor
 * ({@link DirCursor}), create the object with one exclusive system call (never overwriting,
 * never following), write data ({@link FileData}), then owner, mode and times; directory
 * metadata waits for {@link #finish} ({@link DirFixups}). A hard link may only name a regular
 * file this run created ({@link CreatedInodes}).
 *
 * <p>Problems are graded: an entry that is refused or cannot be made is FAILED and the run goes
 * on (a refused file's data is still consumed so the stream stays in step); metadata that cannot
 * be restored is a WARN; a target that is full, read-only or failing is FATAL, reported and
 * thrown as {@link TargetWriteException}, after which the sink accepts nothing more.
 */
public final class DiskSink implements EntrySink {

    /**
     * @param allowExisting merge into a target that already holds files (never overwriting any)
     * @param restoreOwners give entries their numeric uid/gid
     * @param cachedDirFds  directory descriptors each walk cursor keeps open
     * @param dataThreads   threads writing the data of files whose bytes are already in memory,
     *                      and of large files a content lets go ({@link Content#retain}: read
     *                      as they are written, two at once); 0 writes everything on the
     *                      caller's thread ({@link DataWriters})
     */
    public record Options(boolean allowExisting, boolean restoreOwners, int cachedDirFds, int dataThreads) {
        public Options {
            if (cachedDirFds < 1) throw new IllegalArgumentException("cachedDirFds " + cachedDirFds);
            if (dataThreads < 0) throw new IllegalArgumentException("dataThreads " + dataThreads);
        }

        public Options(boolean allowExisting, boolean restoreOwners, int cachedDirFds) {
            this(allowExisting, restoreOwners, cachedDirFds, 0);
        }

        /**
         * An empty target only (extracting into a tree of unrelated files mixes them up beyond
         * telling apart); owners only when root (nobody else can give files away, and trying
         * would turn every entry into a warning); 32 descriptors per cursor (deeper than nearly
         * every real tree, and with two cursors far below the usual limit of 1024); two data
         * threads when there is a second core (measured on 2 cores: the first snapshot, all new
         * files, kept one data thread busy while the rest of the pipeline waited for the ring).
         */
        public static Options defaults() {
            return new Options(false, Posix.isRoot(), 32, Runtime.getRuntime().availableProcessors() > 1 ? 2 : 0);
        }

        public Options withAllowExisting(boolean allow) {
            return new Options(allow, restoreOwners, cachedDirFds, dataThreads);
        }

        public Options withRestoreOwners(boolean restore) {
            return new Options(allowExisting, restore, cachedDirFds, dataThreads);
        }

        public Options withCachedDirFds(int n) {
            return new Options(allowExisting, restoreOwners, n, dataThreads);
        }

        public Options withDataThreads(int n) {
            return new Options(allowExisting, restoreOwners, cachedDirFds, n);
        }
    }

    /** What was made, for the summary. */
    public record Counts(long files, long bytes, long links, long linkCopies, long dirs,
                         long symlinks, long specials, long refused, long failed) {}

    /** O_RDWR: a file replaced half-way is read back (see {@link TargetFile}). */
    private static final int FILE_FLAGS = Posix.O_RDWR | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW;
    private static final byte[] ROOT_NAME = Names.DOT;
    /** Link-target directories kept open: a snapshot per year of dailies, with the two cursors far below 1024. */
    private static final int LINK_DIRS = 400;

    private final int rootFd;
    private final Options options;
    private final Problems problems;
    private final boolean root = Posix.isRoot();
    private final DirFixups fixups = new DirFixups();
    /** Walks to the parents of new entries, making missing directories. */
    private final DirCursor entries;
    /**
     * Walks to paths that must already exist (hard-link targets, directories in the final pass)
     * and never creates one. A cursor of its own, because link targets sit in another part of
     * the tree (an earlier snapshot) and would otherwise evict the entries' stack every time.
     */
    private final DirCursor lookups;
    /** Files whose bytes are in memory, written by data threads after create (null: all on this thread). */
    private final InFlightFiles inFlight;
    /** Each data thread's copy buffer. */
    private final ThreadLocal<FileData> dataOfThread = ThreadLocal.withInitial(FileData::new);
    /** Files in flight on the data threads: each holds a target descriptor. */
    private static final int DATA_IN_FLIGHT = 64;
    /** Directories holding hard-link targets, by path: those come from every earlier snapshot at once. */
    private final DirCache linkDirs;
    private final CreatedInodes inodes = new CreatedInodes();
    /** What a hard link may name without an lstat first (bounded; a miss falls back to inodes). */
    private final CreatedPaths made = new CreatedPaths();
    private final LinkCopies copies = new LinkCopies();
    private final FileData data = new FileData();
    private final XattrWriter xattrs;

    private long files, bytes, links, linkCopies, dirs, symlinks, specials, refused, failed;
    private volatile TargetWriteException fatal; // volatile: the data threads stop writing once set
    /** A content's own failure met on a data thread: the producer's, rethrown as it came. */
    private volatile IOException contentFailure;
    private boolean linksToNonRegular;
    private boolean finished, closed;

    /**
     * Opens (creating its last component if missing) the target directory. The target's own
     * path is the user's choice and may pass through symlinks; nothing below it will.
     *
     * @throws TargetWriteException the target cannot be opened or created, or is not empty
     *                              while options.allowExisting() is false
     */
    public static DiskSink open(byte[] targetPath, Options options, Problems problems) throws TargetWriteException {
        String shown = Names.display(targetPath);
        boolean created = false;
        int fd;
        try {
            try {
                fd = Posix.openat(Posix.AT_FDCWD, targetPath, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            } catch (PosixException e) {
                if (e.errno() != Errno.ENOENT) throw e;
                try {
                    Posix.mkdirAt(Posix.AT_FDCWD, targetPath, 0700);
                    created = true;
                } catch (PosixException m) {
                    if (m.errno() != Errno.EEXIST) throw m;
                }
                fd = Posix.openat(Posix.AT_FDCWD, targetPath, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            }
        } catch (PosixException e) {
            throw new TargetWriteException("cannot use target '" + shown + "': " + e.call() + ": " + e.reason(),
                    e.errno(), e);
        }
        try {
            if (!created && !options.allowExisting() && !Posix.listDir(fd).isEmpty()) {
                throw new TargetWriteException("target '" + shown + "' is not empty", 0, null);
            }
        } catch (PosixException e) {
            Posix.close(fd);
            throw new TargetWriteException("cannot read target '" + shown + "': " + e.reason(), e.errno(), e);
        } catch (TargetWriteException e) {
            Posix.close(fd);
            throw e;
        }
        DiskSink sink = new DiskSink(fd, options, problems);
        if (created) sink.fixups.implicit(ROOT_NAME, 0); // made 0700 while filling, like any implicit dir
        return sink;
    }

    /** A sink writing below rootFd, which it now owns and closes. */
    public DiskSink(int rootFd, Options options, Problems problems) {
        this.rootFd = rootFd;
        this.options = options;
        this.problems = problems;
        this.xattrs = new XattrWriter(problems);
        this.entries = new DirCursor(rootFd, options.cachedDirFds(), fixups::implicit);
        this.lookups = new DirCursor(rootFd, options.cachedDirFds(), null);
        this.linkDirs = new DirCache(rootFd, LINK_DIRS);
        this.inFlight = options.dataThreads() > 0 ? new InFlightFiles(options.dataThreads(), DATA_IN_FLIGHT) : null;
    }

    /**
     * Also lets a hard link name a symlink, FIFO or device this run made. `cp -al` snapshots link
     * those too, and GNU tar and bsdtar archive such links, so a tree's inode partition survives
     * only with this. It is safe here: linkat never follows the symlink, and no later entry is
     * ever written through an existing path (creates are O_EXCL|O_NOFOLLOW). Off by default, as
     * issue 2's rule for hostile archives reads ("a hard link to anything that is not a regular
     * file extracted earlier in the same run" is refused).
     */
    public DiskSink allowLinksToNonRegular() {
        linksToNonRegular = true;
        return this;
    }

    @Override
    public void accept(Entry e, Content c) throws IOException {
        try {
            settle(); // before the entry's own try: what it throws belongs to earlier entries
        } catch (IOException x) {
            if (c != null) c.close();
            throw x;
        }
        try {
            usable();
            switch (e.type()) {
                case FILE -> file(e, c);
                case HARDLINK -> hardLink(e);
                case SYMLINK -> symlink(e);
                case DIRECTORY -> directory(e);
                case FIFO, CHAR_DEVICE, BLOCK_DEVICE -> special(e);
            }
        } catch (Refused r) {
            refused++;
            problems.report(Grade.FAILED, e.path(), "refused: " + r.reason());
        } catch (FileData.ContentFailed x) {
            throw x.original(); // the producer's failure, passed on as it came
        } catch (PosixException x) {
            entryFailed(e.path(), x);
        } finally {
            if (c != null) c.close();
        }
    }

    // ---- one method per entry type ------------------------------------------------------------

    private void file(Entry e, Content c) throws IOException, Refused {
        SafePath p;
        int dir;
        byte[] name;
        int fd;
        try {
            p = notRoot(SafePath.parse(e.path()), e);
            dir = entries.parentOf(p);
            name = p.lastName();
            // Made with its permission bits at once (umask permitting): no chmod afterwards.
            fd = create(dir, name, e.mode() & 0777);
        } catch (Refused r) {
            FileData.discard(c); // keeps the stream in step
            throw r;
        } catch (PosixException x) {
            if (!TargetWriteException.isTargetFailure(x.errno())) FileData.discard(c); // keeps the stream in step
            throw x;
        }
        Content held = inFlight == null ? null : c.retain();
        if (held != null) {
            TargetFile out = null;
            try {
                boolean reads = !held.settled();
                // Read off the drive as it is written: may need replacing, from a data thread,
                // so with a directory descriptor of its own (the sink's may be closed meanwhile).
                out = reads ? new TargetFile(fd, Posix.dup(dir), true, name, e.mode() & 0777, FILE_FLAGS) : new TargetFile(fd);
                TargetFile target = out;
                inFlight.submit(p, () -> writeData(target, p, e, held), reads);
            } catch (IOException | RuntimeException x) {
                held.close();
                if (out != null) out.close();
                else Posix.close(fd);
                unlinkQuietly(dir, name);
                throw x;
            }
            return;
        }
        boolean keep = false;
        TargetFile out = new TargetFile(fd, dir, false, name, e.mode() & 0777, FILE_FLAGS);
        try {
            long n;
            try {
                n = data.write(out, c);
            } catch (FileData.SourceFailed s) {
                failed++;
                problems.report(Grade.FAILED, e.path(), "not written: " + s.getMessage());
                return;
            }
            if (n != e.size() || n != c.size()) {
                failed++;
                problems.report(Grade.FAILED, e.path(), "not written: source delivered " + n + " of " + e.size() + " bytes");
                return;
            }
            Stat st = Posix.fstat(out.fd()); // as made: its inode, and the owner and mode it already has
            metadata(out.fd(), e.path(), st, e.uid(), e.gid(), e.mode(), e.mtimeSec(), e.mtimeNsec(), e.extra());
            inodes.add(st.devId(), st.ino());
            made.add(p.bytes());
            keep = true;
            files++;
            bytes += n;
        } finally {
            out.close();
            // A file without all its bytes would be invented data: it goes, and a report says so.
            if (!keep) unlinkQuietly(dir, name);
        }
    }

    /**
     * The second half of {@link #file} for bytes already in memory, on a data thread: data, then
     * owner, mode and times, then close. Touches no table or counter: {@link #settle} does.
     */
    private InFlightFiles.Written writeData(TargetFile out, SafePath p, Entry e, Content c) {
        try (c) {
            if (fatal != null || contentFailure != null)
                return new InFlightFiles.Written(p, e, 0, null, "not written: the run stopped", null, null);
            long n;
            try {
                n = dataOfThread.get().write(out, c);
            } catch (FileData.SourceFailed s) {
                return new InFlightFiles.Written(p, e, 0, null, "not written: " + s.getMessage(), null, null);
            }
            if (n != e.size() || n != c.size())
                return new InFlightFiles.Written(p, e, 0, null, "not written: source delivered " + n + " of " + e.size() + " bytes", null, null);
            Stat st = Posix.fstat(out.fd());
            metadata(out.fd(), e.path(), st, e.uid(), e.gid(), e.mode(), e.mtimeSec(), e.mtimeNsec(), e.extra());
            return new InFlightFiles.Written(p, e, n, st, null, null, null);
        } catch (FileData.ContentFailed x) {
            return new InFlightFiles.Written(p, e, 0, null, null, null, x.original());
        } catch (PosixException x) {
            return new InFlightFiles.Written(p, e, 0, null, null, x, null);
        } catch (IOException | RuntimeException x) {
            return new InFlightFiles.Written(p, e, 0, null, "not written: " + x, null, null);
        } finally {
            out.close();
        }
    }

    /**
     * Takes in what the data threads finished: a written file becomes linkable and counts; a
     * failed one is removed (a file without all its bytes would be invented data) and reported.
     *
     * @throws TargetWriteException a data thread met a full or failing target
     * @throws IOException          a content failed (the producer's error, as it came)
     */
    private void settle() throws IOException {
        if (inFlight == null) return;
        InFlightFiles.Written w;
        while ((w = inFlight.poll()) != null) {
            if (w.ok()) {
                inodes.add(w.made().devId(), w.made().ino());
                made.add(w.path().bytes());
                files++;
                bytes += w.bytes();
                continue;
            }
            unlinkByPath(w.path());
            if (fatal != null || contentFailure != null) continue; // stopped already: said once
            if (w.contentError() != null) {
                contentFailure = w.contentError();
                throw contentFailure;
            }
            if (w.error() != null) {
                entryFailed(w.entry().path(), w.error());
            } else {
                failed++;
                problems.report(Grade.FAILED, w.entry().path(), w.failure());
            }
        }
    }

    /** Waits for every file on the data threads and settles them. */
    private void settleAll() throws IOException {
        if (inFlight == null) return;
        inFlight.awaitIdle();
        settle();
    }

    private void unlinkByPath(SafePath p) {
        try {
            unlinkQuietly(lookups.parentOf(p), p.lastName());
        } catch (IOException | Refused ignored) {
            // Its directory cannot be reached any more: the report already says the file failed.
        }
    }

    private void hardLink(Entry e) throws IOException, Refused {
        // A damaged inode's later paths are named in the rescue report as each is taken, which
        // needs the damage known by then, even when this link is refused: a link to a file still
        // read on a data thread waits for it first. (A target that does not parse is refused
        // below; it waits for every such file, as it cannot be told apart.)
        if (inFlight != null && inFlight.reading()) {
            SafePath target = null;
            try {
                target = SafePath.parse(e.linkTarget());
            } catch (Refused r) {
                // refused below, after the wait
            }
            if (target == null || inFlight.reading(target)) settleAll();
        }
        SafePath p = notRoot(SafePath.parse(e.path()), e);
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
        if (!kept && inFlight != null && inFlight.holds(src)) {
            settleAll(); // its data is still being written: a link to a file that may yet fail would outlive it
            usable();
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
            links++;
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
            int out = create(dir, name, 0600);
            boolean keep = false;
            try {
                long n = data.copy(in, out, s.size());
                if (n != s.size()) {
                    failed++;
                    problems.report(Grade.FAILED, e.path(), "separate copy of '" + src
                            + "' not written: it had " + n + " of " + s.size() + " bytes");
                    return;
                }
                metadata(out, e.path(), s.uid(), s.gid(), s.perm(), s.mtimeSec(), s.mtimeNsec(), xattrs.recordsOf(in, e.path()));
                Stat copy = Posix.fstat(out);
                inodes.add(copy.devId(), copy.ino());
                made.add(p.bytes());
                keep = true;
                linkCopies++;
                bytes += n;
            } catch (FileData.SourceFailed r) {
                failed++;
                problems.report(Grade.FAILED, e.path(), "separate copy of '" + src + "' not written: " + r.getMessage());
                return;
            } finally {
                Posix.close(out);
                if (!keep) unlinkQuietly(dir, name);
            }
        } finally {
            Posix.close(in);
        }
        copies.put(named, p);
        problems.report(Grade.WARN, e.path(), "'" + src + "' reached the target's link limit (EMLINK): "
                + "wrote a separate copy here; later links to '" + named + "' go to this copy");
    }

    private void symlink(Entry e) throws IOException, Refused {
        SafePath p = notRoot(SafePath.parse(e.path()), e);
        byte[] target = e.linkTarget();
        for (byte b : target) {
            if (b == 0) throw new Refused("symlink target contains a NUL byte");
        }
        int dir = entries.parentOf(p);
        byte[] name = p.lastName();
        try {
            Posix.symlinkAt(target, dir, name);
        } catch (PosixException x) {
            if (x.errno() == Errno.EEXIST) throw new Refused("exists");
            throw x;
        }
        symlinks++;
        madeHere(dir, name);
        ownerByName(dir, name, e);
        xattrs.byName(dir, name, e.path(), e.extra());
        timesByName(dir, name, e);
    }

    /**
     * Remembers a symlink, FIFO or device made this run: `cp -al` snapshots hard-link those too
     * (GNU tar and bsdtar archive such links as hard-link entries), so later paths may link to it.
     */
    private void madeHere(int dir, byte[] name) throws PosixException {
        Stat st = Posix.lstatAt(dir, name);
        inodes.add(st.devId(), st.ino());
    }

    private void directory(Entry e) throws IOException, Refused {
        SafePath p = SafePath.parse(e.path());
        if (!p.isRoot()) {
            int dir = entries.parentOf(p);
            byte[] name = p.lastName();
            try {
                Posix.mkdirAt(dir, name, 0700); // closed to others until its real mode is set
            } catch (PosixException x) {
                if (x.errno() != Errno.EEXIST) throw x;
                if (!Posix.lstatAt(dir, name).isDir()) throw new Refused("exists");
            }
            xattrs.directory(dir, name, e.path(), e.extra());
        } else {
            xattrs.directory(rootFd, null, e.path(), e.extra());
        }
        dirs++;
        fixups.explicit(p.isRoot() ? ROOT_NAME : p.prefix(p.count()), p.count(), e.mode(), e.uid(), e.gid(),
                e.mtimeSec(), e.mtimeNsec());
    }

    private void special(Entry e) throws IOException, Refused {
        SafePath p = notRoot(SafePath.parse(e.path()), e);
        int type = switch (e.type()) {
            case FIFO -> Stat.S_IFIFO;
            case CHAR_DEVICE -> Stat.S_IFCHR;
            default -> Stat.S_IFBLK;
        };
        if (type != Stat.S_IFIFO && !root) {
            problems.report(Grade.WARN, e.path(), "device not created: not root");
            return;
        }
        int dir = entries.parentOf(p);
        byte[] name = p.lastName();
        try {
            Posix.mknodAt(dir, name, type | 0600, e.devMajor(), e.devMinor());
        } catch (PosixException x) {
            if (x.errno() == Errno.EEXIST) throw new Refused("exists");
            throw x;
        }
        specials++;
        madeHere(dir, name);
        ownerByName(dir, name, e);
        xattrs.byName(dir, name, e.path(), e.extra());
        try {
            Posix.fchmodAtNoFollow(dir, name, e.mode() & 07777); // after chown, which clears setuid
        } catch (PosixException x) {
            notRestored(e.path(), "mode", x);
        }
        timesByName(dir, name, e);
    }

    // ---- metadata -----------------------------------------------------------------------------

    /** Owner first (chown clears setuid/setgid), then mode, then times (chmod would not touch them). */
    private void metadata(int fd, byte[] path, int uid, int gid, int mode, long mSec, int mNsec) throws PosixException {
        metadata(fd, path, uid, gid, mode, mSec, mNsec, java.util.Map.of());
    }

    /** The same, with extended attributes after the owner (chown drops security.capability). */
    private void metadata(int fd, byte[] path, int uid, int gid, int mode, long mSec, int mNsec,
                          java.util.Map<String, byte[]> extra) throws PosixException {
        metadata(fd, path, null, uid, gid, mode, mSec, mNsec, extra);
    }

    /**
     * @param as what fstat said of the object before any change, or null when unknown: an owner
     *           or mode it already has is not set again (a new file usually has both right)
     */
    private void metadata(int fd, byte[] path, Stat as, int uid, int gid, int mode, long mSec, int mNsec,
                          java.util.Map<String, byte[]> extra) throws PosixException {
        boolean chowned = false;
        if (options.restoreOwners() && (as == null || as.uid() != uid || as.gid() != gid)) {
            chowned = true;
            try {
                Posix.fchown(fd, uid, gid);
            } catch (PosixException x) {
                notRestored(path, "owner", x);
            }
        }
        mode = xattrs.onFd(fd, path, extra, mode);
        // chown clears setuid/setgid, and an ACL sets mode bits: then mode is set whatever it was.
        boolean modeRight = as != null && as.perm() == (mode & 07777) && !(chowned && (mode & 06000) != 0)
                && extra.isEmpty();
        if (!modeRight) try {
            Posix.fchmod(fd, mode & 07777);
        } catch (PosixException x) {
            notRestored(path, "mode", x);
        }
        try {
            Posix.futimens(fd, 0, Posix.UTIME_OMIT, mSec, mNsec);
        } catch (PosixException x) {
            notRestored(path, "mtime", x);
        }
    }

    private void ownerByName(int dir, byte[] name, Entry e) throws PosixException {
        if (!options.restoreOwners()) return;
        try {
            Posix.lchownAt(dir, name, e.uid(), e.gid());
        } catch (PosixException x) {
            notRestored(e.path(), "owner", x);
        }
    }

    private void timesByName(int dir, byte[] name, Entry e) throws PosixException {
        try {
            Posix.lutimensAt(dir, name, 0, Posix.UTIME_OMIT, e.mtimeSec(), e.mtimeNsec());
        } catch (PosixException x) {
            notRestored(e.path(), "mtime", x);
        }
    }

    private void notRestored(byte[] path, String what, PosixException x) throws PosixException {
        if (TargetWriteException.isTargetFailure(x.errno())) throw x;
        problems.report(Grade.WARN, path, what + " not restored: " + x.reason());
    }

    // ---- finish -------------------------------------------------------------------------------

    /** Applies directory metadata, deepest first, then releases every descriptor. */
    @Override
    public void finish() throws IOException {
        settleAll();
        usable();
        try {
            // Walk afresh: descriptors kept while extracting are not trusted for the last step.
            entries.close();
            lookups.close();
            linkDirs.close();
            for (DirFixups.Fixup f : fixups.inApplyOrder()) applyFixup(f);
            for (XattrWriter.Deferred d : xattrs.deferred()) dirAcl(d);
            fixups.clear();
            finished = true;
        } finally {
            close();
        }
    }

    private void applyFixup(DirFixups.Fixup f) throws TargetWriteException {
        int fd = -1;
        boolean own = false;
        try {
            SafePath p = SafePath.parse(f.path());
            if (p.isRoot()) {
                fd = rootFd;
            } else {
                int dir = lookups.parentOf(p);
                try {
                    fd = Posix.openDir(dir, p.lastName());
                } catch (PosixException x) {
                    if (x.errno() == Errno.ELOOP || x.errno() == Errno.ENOTDIR) {
                        throw new Refused("no longer a directory");
                    }
                    throw x;
                }
                own = true;
            }
            if (f.explicit()) {
                metadata(fd, f.path(), f.uid(), f.gid(), f.mode(), f.mtimeSec(), f.mtimeNsec());
            } else {
                try {
                    Posix.fchmod(fd, f.mode());
                } catch (PosixException x) {
                    notRestored(f.path(), "mode", x);
                }
            }
        } catch (Refused r) {
            problems.report(Grade.FAILED, f.path(), "directory metadata not applied: refused: " + r.reason());
        } catch (PosixException x) {
            if (TargetWriteException.isTargetFailure(x.errno())) throw fatal(f.path(), x);
            problems.report(Grade.WARN, f.path(), "directory metadata not applied: " + x.getMessage());
        } finally {
            if (own) Posix.close(fd);
        }
    }

    /** A directory's ACLs, after its mode, once nothing more is made inside it (see {@link XattrWriter}). */
    private void dirAcl(XattrWriter.Deferred d) {
        try {
            SafePath p = SafePath.parse(d.path());
            if (p.isRoot()) xattrs.set(rootFd, null, d.path(), d.acl());
            else xattrs.set(lookups.parentOf(p), p.lastName(), d.path(), d.acl());
        } catch (Refused | IOException x) {
            problems.report(Grade.WARN, d.path(), "extended attribute '" + d.acl().display() + "' not restored: " + x.getMessage());
        }
    }

    /** Releases every descriptor; directory metadata not yet applied stays unapplied. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        if (inFlight != null) {
            // Files in flight are finished (their bytes are ready) and settled before the
            // descriptors go: a failed one must still be removed.
            try {
                inFlight.awaitIdle();
            } catch (IOException ignored) {
                Thread.currentThread().interrupt();
            }
            while (true) {
                try {
                    settle();
                    break;
                } catch (IOException ignored) {
                    // The run is ending on a failure, reported once; the rest is only cleaned up.
                }
            }
            inFlight.close();
        }
        closed = true;
        entries.close();
        lookups.close();
        linkDirs.close();
        Posix.close(rootFd);
    }

    public Counts counts() {
        return new Counts(files, bytes, links, linkCopies, dirs, symlinks, specials, refused, failed);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void usable() throws TargetWriteException {
        if (fatal != null) throw fatal;
        if (closed || finished) throw new IllegalStateException("disk sink already " + (finished ? "finished" : "closed"));
    }

    private static SafePath notRoot(SafePath p, Entry e) throws Refused {
        if (p.isRoot()) throw new Refused("the root '.' can only be a directory, not " + e.type());
        return p;
    }

    private static Refused notExtracted(Entry e) {
        return new Refused("hard link to '" + Names.display(e.linkTarget())
                + "' which is not a regular file extracted in this run");
    }

    private static int create(int dir, byte[] name, int perm) throws PosixException, Refused {
        try {
            return Posix.openat(dir, name, FILE_FLAGS, perm);
        } catch (PosixException x) {
            if (x.errno() == Errno.EEXIST) throw new Refused("exists");
            throw x;
        }
    }

    private static void unlinkQuietly(int dir, byte[] name) {
        try {
            Posix.unlinkAt(dir, name, 0);
        } catch (PosixException ignored) {
            // Nothing more to do: the entry is already reported as failed.
        }
    }

    private void entryFailed(byte[] path, PosixException x) throws TargetWriteException {
        if (TargetWriteException.isTargetFailure(x.errno())) throw fatal(path, x);
        failed++;
        problems.report(Grade.FAILED, path, x.getMessage());
    }

    private TargetWriteException fatal(byte[] path, PosixException x) {
        problems.report(Grade.FATAL, path, x.call() + ": " + x.reason());
        fatal = new TargetWriteException("cannot write the target at '" + Names.display(path) + "': "
                + x.call() + ": " + x.reason(), x.errno(), x);
        return fatal;
    }
}
