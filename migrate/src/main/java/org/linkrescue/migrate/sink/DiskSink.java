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
import org.linkrescue.migrate.stream.Retainable;

/**
 * The one class that writes to the target directory. Every entry goes the same way: clean its
 * path ({@link SafePath}), find its parent by a no-follow walk from the target's root descriptor
 * ({@link DirCursor}), create the object with one exclusive system call (never overwriting,
 * never following), write data ({@link FileData}), then owner, mode and times. This class keeps
 * that creation core and the dispatch by entry type; the rest has a room of its own: hard links
 * ({@link HardLinks}), metadata ({@link MetadataWriter}), files written on data threads
 * ({@link DataThreadFiles}) and directory metadata at {@link #finish} ({@link DirectoryFinisher}).
 *
 * <p>Problems are graded ({@link SinkFailures}): an entry that is refused or cannot be made is
 * FAILED and the run goes on (a refused file's data is still consumed so the stream stays in
 * step); metadata that cannot be restored is a WARN; a target that is full, read-only or failing
 * is FATAL, reported and thrown as {@link TargetWriteException}, after which the sink accepts
 * nothing more.
 */
public final class DiskSink implements EntrySink {

    /**
     * @param allowExisting merge into a target that already holds files (never overwriting any,
     *                      and leaving the mode, owner and mtime of the directories it held)
     * @param restoreOwners give entries their numeric uid/gid
     * @param cachedDirFds  directory descriptors each walk cursor keeps open
     * @param dataThreads   threads writing the data of files whose bytes are already in memory,
     *                      and of large files a content lets go ({@link Retainable#retain}: read
     *                      as they are written, two at once); 0 writes everything on the
     *                      caller's thread ({@link DataWriters})
     * @param sameModes     every bit of an entry's mode (setuid, setgid, sticky); false: GNU tar's
     *                      default for an ordinary user, the umask applied and those bits dropped
     *                      ({@link ModeRule})
     */
    public record Options(boolean allowExisting, boolean restoreOwners, int cachedDirFds, int dataThreads,
                          boolean sameModes) {
        public Options {
            if (cachedDirFds < 1) throw new IllegalArgumentException("cachedDirFds " + cachedDirFds);
            if (dataThreads < 0) throw new IllegalArgumentException("dataThreads " + dataThreads);
        }

        public Options(boolean allowExisting, boolean restoreOwners, int cachedDirFds, int dataThreads) {
            this(allowExisting, restoreOwners, cachedDirFds, dataThreads, true);
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
         * files, kept one data thread busy while the rest of the pipeline waited for the ring);
         * modes exactly (migrate copies the user's own tree; extract decides for itself).
         */
        public static Options defaults() {
            return new Options(false, Posix.isRoot(), 32, Runtime.getRuntime().availableProcessors() > 1 ? 2 : 0, true);
        }

        public Options withAllowExisting(boolean allow) {
            return new Options(allow, restoreOwners, cachedDirFds, dataThreads, sameModes);
        }

        public Options withRestoreOwners(boolean restore) {
            return new Options(allowExisting, restore, cachedDirFds, dataThreads, sameModes);
        }

        public Options withCachedDirFds(int n) {
            return new Options(allowExisting, restoreOwners, n, dataThreads, sameModes);
        }

        public Options withDataThreads(int n) {
            return new Options(allowExisting, restoreOwners, cachedDirFds, n, sameModes);
        }

        public Options withSameModes(boolean same) {
            return new Options(allowExisting, restoreOwners, cachedDirFds, dataThreads, same);
        }
    }

    /** What was made, for the summary. */
    public record Counts(long files, long bytes, long links, long linkCopies, long dirs,
                         long symlinks, long specials, long refused, long failed) {}

    /** O_RDWR: a file replaced half-way is read back (see {@link TargetFile}). */
    private static final int FILE_FLAGS = Posix.O_RDWR | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW;

    private final int rootFd;
    private final Problems problems;
    private final boolean root = Posix.isRoot();
    private final MadeCounts counts = new MadeCounts();
    private final SinkFailures failures;
    private final MetadataWriter meta;
    private final DirectoryFinisher directories;
    /** Walks to the parents of new entries, making missing directories. */
    private final DirCursor entries;
    /**
     * Walks to paths that must already exist (a failed file to remove, directories in the final
     * pass) and never creates one. A cursor of its own, because those sit in another part of the
     * tree and would otherwise evict the entries' stack every time.
     */
    private final DirCursor lookups;
    private final DataThreadFiles inFlight;
    private final HardLinks links;
    private final FileData data = new FileData();
    private boolean finished, closed;
    /** The target directory when this sink made it: a run that fails before writing into it leaves nothing behind. */
    private byte[] createdRoot;

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
        if (created) {
            sink.directories.implicitRoot();
            sink.createdRoot = targetPath.clone();
        } else if (!options.allowExisting()) {
            sink.directories.tree().root.made(); // empty: this run's to fill
        }
        return sink;
    }

    /** A sink writing below rootFd, which it now owns and closes. */
    public DiskSink(int rootFd, Options options, Problems problems) {
        this.rootFd = rootFd;
        this.problems = problems;
        this.failures = new SinkFailures(problems, counts);
        ModeRule modes = new ModeRule(options.sameModes(), Posix.umask());
        this.meta = new MetadataWriter(options.restoreOwners(), modes, problems);
        this.lookups = new DirCursor(rootFd, options.cachedDirFds(), null);
        this.directories = new DirectoryFinisher(rootFd, options.cachedDirFds(), lookups, meta, modes, failures, problems);
        this.entries = new DirCursor(rootFd, options.cachedDirFds(), directories.tree());
        this.inFlight = new DataThreadFiles(options.dataThreads(), meta, failures, counts, lookups, this::kept);
        this.links = new HardLinks(rootFd, entries, inFlight, meta, data, failures, counts, problems);
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
        links.allowLinksToNonRegular();
        return this;
    }

    @Override
    public void accept(Entry e, Content c) throws IOException {
        try {
            inFlight.settle(); // before the entry's own try: what it throws belongs to earlier entries
        } catch (IOException x) {
            if (c != null) c.close();
            throw x;
        }
        try {
            usable();
            switch (e.type()) {
                case FILE -> file(e, c);
                case HARDLINK -> links.link(e);
                case SYMLINK -> symlink(e);
                case DIRECTORY -> directory(e);
                case FIFO, CHAR_DEVICE, BLOCK_DEVICE -> special(e);
            }
        } catch (Refused r) {
            counts.refused++;
            problems.report(Grade.FAILED, e.path(), "refused: " + r.reason());
        } catch (FileData.ContentFailed x) {
            throw x.original(); // the producer's failure, passed on as it came
        } catch (PosixException x) {
            failures.entryFailed(e.path(), x);
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
        Retainable retainable = inFlight.retainable(c);
        Content held = retainable == null ? null : retainable.retain();
        if (held != null) {
            TargetFile out = null;
            try {
                boolean reads = !retainable.settled();
                // Read off the drive as it is written: may need replacing, from a data thread,
                // so with a directory descriptor of its own (the sink's may be closed meanwhile).
                out = reads ? new TargetFile(fd, Posix.dup(dir), true, name, e.mode() & 0777, FILE_FLAGS) : new TargetFile(fd);
                inFlight.submit(p, out, e, held, reads);
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
                failures.failed(e.path(), "not written: " + s.getMessage());
                return;
            }
            if (n != e.size() || n != c.size()) {
                failures.failed(e.path(), "not written: source delivered " + n + " of " + e.size() + " bytes");
                return;
            }
            links.kept(p, meta.afterData(out.fd(), e));
            keep = true;
            counts.files++;
            counts.bytes += n;
        } finally {
            out.close();
            // A file without all its bytes would be invented data: it goes, and a report says so.
            if (!keep) unlinkQuietly(dir, name);
        }
    }

    /** A file a data thread wrote and kept. */
    private void kept(SafePath p, Stat st) { links.kept(p, st); }

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
        counts.symlinks++;
        links.madeHere(dir, name);
        meta.byName(dir, name, e, false);
    }

    private void directory(Entry e) throws IOException, Refused {
        SafePath p = SafePath.parse(e.path());
        DirTree.Node node;
        int dir;
        byte[] name = null;
        if (!p.isRoot()) {
            dir = entries.parentOf(p);
            name = p.lastName();
            boolean madeNow = true;
            try {
                Posix.mkdirAt(dir, name, 0700); // closed to others until its real mode is set
            } catch (PosixException x) {
                if (x.errno() != Errno.EEXIST) throw x;
                if (!Posix.lstatAt(dir, name).isDir()) throw new Refused("exists");
                madeNow = false;
            }
            node = entries.node().child(name);
            if (madeNow) node.made();
        } else {
            dir = rootFd;
            node = directories.tree().root;
        }
        if (!node.isMade()) return; // there before this run (--allow-existing): left as it is
        meta.directoryXattrs(dir, name, e.path(), e.extra());
        counts.dirs++;
        directories.explicit(node, p, e);
    }

    private void special(Entry e) throws IOException, Refused {
        SafePath p = notRoot(SafePath.parse(e.path()), e);
        int type = switch (e.type()) {
            case FIFO -> Stat.S_IFIFO;
            case CHAR_DEVICE -> Stat.S_IFCHR;
            default -> Stat.S_IFBLK;
        };
        if (type != Stat.S_IFIFO && !root) { // left out: the run is not complete (exit 3)
            failures.failed(e.path(), "device not created: not root");
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
        counts.specials++;
        links.madeHere(dir, name);
        meta.byName(dir, name, e, true);
    }

    // ---- finish -------------------------------------------------------------------------------

    /** Applies directory metadata, deepest first, then releases every descriptor. */
    @Override
    public void finish() throws IOException {
        inFlight.settleAll();
        usable();
        try {
            // Walk afresh: descriptors kept while extracting are not trusted for the last step.
            entries.close();
            lookups.close();
            links.close();
            directories.apply();
            finished = true;
        } finally {
            close();
        }
    }

    /** Releases every descriptor; directory metadata not yet applied stays unapplied. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        inFlight.close(); // files in flight are finished and settled before the descriptors go
        closed = true;
        entries.close();
        lookups.close();
        links.close();
        Posix.close(rootFd);
        if (!finished && createdRoot != null) {
            try {
                Posix.unlinkAt(Posix.AT_FDCWD, createdRoot, Posix.AT_REMOVEDIR); // only while it is empty
            } catch (PosixException e) {
                // something was written (ENOTEMPTY): it stays, and the run's failure says what
            }
        }
    }

    public Counts counts() { return counts.snapshot(); }

    // ---- helpers ------------------------------------------------------------------------------

    private void usable() throws TargetWriteException {
        failures.check();
        if (closed || finished) throw new IllegalStateException("disk sink already " + (finished ? "finished" : "closed"));
    }

    static SafePath notRoot(SafePath p, Entry e) throws Refused {
        if (p.isRoot()) throw new Refused("the root '.' can only be a directory, not " + e.type());
        return p;
    }

    /** Creates a regular file at dir/name, exclusively and without following: an existing name is refused. */
    static int create(int dir, byte[] name, int perm) throws PosixException, Refused {
        try {
            return Posix.openat(dir, name, FILE_FLAGS, perm);
        } catch (PosixException x) {
            if (x.errno() == Errno.EEXIST) throw new Refused("exists");
            throw x;
        }
    }

    static void unlinkQuietly(int dir, byte[] name) {
        try {
            Posix.unlinkAt(dir, name, 0);
        } catch (PosixException ignored) {
            // Nothing more to do: the entry is already reported as failed.
        }
    }
}
