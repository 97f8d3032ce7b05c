package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Checkpointable;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.PendingFiles;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Retainable;
import org.linkrescue.migrate.stream.Stop;

/**
 * The one class that writes to the target directory. Every entry goes the same way: clean its
 * path ({@link SafePath}), find its parent by a no-follow walk from the target's root descriptor
 * ({@link DirCursor}), create the object with one exclusive system call (never overwriting,
 * never following), write data ({@link FileData}), then owner, mode and times. The creation
 * core and the dispatch by entry type are {@link EntryWriter}'s; the rest has a room of its own:
 * hard links ({@link HardLinks}, over the link tables {@link LinkTargets}), metadata
 * ({@link MetadataWriter}), files written on data threads ({@link DataThreadFiles}) and
 * directory metadata at {@link #finish} ({@link DirectoryFinisher}).
 *
 * <p>With more than one lane ({@link Options#lanes}), entries are made by that many threads at
 * once, each in directories of its own, in an order that makes the same tree as one thread
 * would ({@link Lanes}, {@link LaneMap}); accept then returns before the entry is made (a file
 * whose content must be consumed inside accept excepted), and problems are reported by the lane
 * that meets them. {@link #counts} waits for the lanes.
 *
 * <p>Problems are graded ({@link SinkFailures}): an entry that is refused or cannot be made is
 * FAILED and the run goes on (a refused file's data is still consumed so the stream stays in
 * step); metadata that cannot be restored is a WARN; a target that is full, read-only or failing
 * is FATAL, reported and thrown as {@link TargetWriteException}, after which the sink accepts
 * nothing more.
 */
public final class DiskSink implements EntrySink, PendingFiles, Checkpointable {

    /**
     * What a rescue map needs to hear of to resume this sink's work: each object made (a hard
     * link may name it later), each directory entry whose metadata is due at the end, each
     * directory made only because an entry below needed it, each separate copy made at the link
     * limit. seq is the entry's number in this sink's stream (0 for the first it was given).
     * Called from the lanes and data threads.
     */
    public interface Ledger {
        void made(long seq, long dev, long ino);

        /** A directory entry this run made (or took over): its metadata is due at the end. */
        void directory(long seq, Entry e);

        void implicitDir(byte[] path, int depth);

        void copy(long seq, byte[] named, byte[] copy);
    }

    /** Told as {@link #finish} goes: a rescue map records that the entries are done, and is removed before the root's own metadata is set. */
    public interface Finishing {
        /** Every entry is complete; directory metadata comes next. */
        void entriesDone() throws IOException;

        /** Every directory but the root has its metadata; the root's comes next. */
        void beforeRoot() throws IOException;
    }

    /**
     * @param allowExisting merge into a target that already holds files (never overwriting any,
     *                      and leaving the mode, owner and mtime of the directories it held)
     * @param restoreOwners give entries their numeric uid/gid
     * @param cachedDirFds  directory descriptors each walk cursor keeps open
     * @param dataThreads   threads writing the data of files whose bytes are already in memory,
     *                      and of large files a content lets go ({@link Retainable#retain}: read
     *                      as they are written, two at once); 0 writes everything on the
     *                      thread making the entry ({@link DataWriters}); with lanes, only the
     *                      large files go there
     * @param sameModes     every bit of an entry's mode (setuid, setgid, sticky); false: GNU tar's
     *                      default for an ordinary user, the umask applied and those bits dropped
     *                      ({@link ModeRule})
     * @param lanes         threads making entries at once, each in directories of its own
     *                      ({@link Lanes}); 1 makes every entry on the caller's thread, inside
     *                      accept
     */
    public record Options(boolean allowExisting, boolean restoreOwners, int cachedDirFds, int dataThreads,
                          boolean sameModes, int lanes) {
        public Options {
            if (cachedDirFds < 1) throw new IllegalArgumentException("cachedDirFds " + cachedDirFds);
            if (dataThreads < 0) throw new IllegalArgumentException("dataThreads " + dataThreads);
            if (lanes < 1) throw new IllegalArgumentException("lanes " + lanes);
        }

        public Options(boolean allowExisting, boolean restoreOwners, int cachedDirFds, int dataThreads, boolean sameModes) {
            this(allowExisting, restoreOwners, cachedDirFds, dataThreads, sameModes, 1);
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
         * every real tree, and with two cursors per lane far below the usual limit of 1024); two
         * data threads when there is a second core (measured on 2 cores: the first snapshot, all
         * new files, kept one data thread busy while the rest of the pipeline waited for the
         * ring); modes exactly (migrate copies the user's own tree; extract decides for itself);
         * a lane per core, up to 4 (a snapshot tree is nearly all hard links, which one thread
         * makes no faster than the kernel makes them in one directory: two threads in different
         * directories make them almost twice as fast on two cores). The system property
         * linkrescue.lanes sets the lanes (for measuring: 1 makes every entry on one thread).
         */
        public static Options defaults() {
            int cores = Runtime.getRuntime().availableProcessors();
            int lanes = Math.max(1, Math.min(Integer.getInteger("linkrescue.lanes", Math.min(cores, 4)), 64));
            return new Options(false, Posix.isRoot(), 32, cores > 1 ? 2 : 0, true, lanes);
        }

        public Options withAllowExisting(boolean allow) {
            return new Options(allow, restoreOwners, cachedDirFds, dataThreads, sameModes, lanes);
        }

        public Options withRestoreOwners(boolean restore) {
            return new Options(allowExisting, restore, cachedDirFds, dataThreads, sameModes, lanes);
        }

        public Options withCachedDirFds(int n) {
            return new Options(allowExisting, restoreOwners, n, dataThreads, sameModes, lanes);
        }

        public Options withDataThreads(int n) {
            return new Options(allowExisting, restoreOwners, cachedDirFds, n, sameModes, lanes);
        }

        public Options withSameModes(boolean same) {
            return new Options(allowExisting, restoreOwners, cachedDirFds, dataThreads, same, lanes);
        }

        public Options withLanes(int n) {
            return new Options(allowExisting, restoreOwners, cachedDirFds, dataThreads, sameModes, n);
        }
    }

    /** What was made, for the summary. */
    public record Counts(long files, long bytes, long links, long linkCopies, long dirs,
                         long symlinks, long specials, long refused, long failed) {}

    /** Link-target directories kept open, over all lanes: a snapshot per year of dailies, with the cursors far below 1024. */
    private static final int LINK_DIRS = 400;
    /** Files waiting per data thread, over all lanes: each holds a target descriptor. */
    private static final int DATA_IN_FLIGHT = 64;

    private final int rootFd;
    private final MadeCounts counts = new MadeCounts(); // the finish's own (directories it could not apply)
    private final SinkFailures failures;
    private final DirectoryFinisher directories;
    /** Walks to directories in the final pass; never creates one. */
    private final DirCursor lookups;
    private final DataWriters<DataThreadFiles.Written> dataThreads; // null: none
    private final List<EntryWriter> writers = new ArrayList<>();
    /** One lane: entries made here, on the caller's thread. */
    private final EntryWriter single;
    /** More lanes: entries handed to them. */
    private final Lanes lanes;
    private final FilesBeingRead beingRead = new FilesBeingRead();
    /** The link tables all lanes share. */
    private final LinkTargets links;
    private final MetadataWriter meta;
    private long seq; // the next entry's number, with one lane
    private final SinkProgress progress = new SinkProgress();
    private Finishing finishing;
    private boolean finished, closed;
    /** The target directory when this sink made it: a run that fails before writing into it leaves nothing behind. */
    private byte[] createdRoot;
    /** The target directory as opened by {@link #open} (null: given as a descriptor). */
    private byte[] targetPath;

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
        sink.targetPath = targetPath.clone();
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
        this.failures = new SinkFailures(problems, counts);
        ModeRule modes = new ModeRule(options.sameModes(), Posix.umask());
        MetadataWriter meta = new MetadataWriter(options.restoreOwners(), modes, problems);
        this.lookups = new DirCursor(rootFd, options.cachedDirFds(), null);
        this.directories = new DirectoryFinisher(rootFd, options.cachedDirFds(), lookups, meta, modes, failures, problems);
        this.dataThreads = options.dataThreads() > 0 ? new DataWriters<>(options.dataThreads(), DATA_IN_FLIGHT) : null;
        this.links = new LinkTargets();
        EntryWriter.Shared shared = new EntryWriter.Shared(rootFd, options.cachedDirFds(), problems, meta, directories,
                links, dataThreads, failures, options.lanes() > 1, progress);
        int n = options.lanes();
        for (int i = 0; i < n; i++) writers.add(new EntryWriter(shared, Math.max(16, LINK_DIRS / n)));
        this.single = n == 1 ? writers.get(0) : null;
        this.lanes = n == 1 ? null : new Lanes(writers.toArray(new EntryWriter[0]), progress);
        this.meta = meta;
    }

    /**
     * Also lets a hard link name a symlink, FIFO or device this run made. `cp -al` snapshots link
     * those too, and GNU tar and bsdtar archive such links, so a tree's inode partition survives
     * only with this. It is safe here: linkat never follows the symlink, and no later entry is
     * ever written through an existing path (creates are O_EXCL|O_NOFOLLOW). Off by default, as
     * issue 2's rule for hostile archives reads ("a hard link to anything that is not a regular
     * file extracted earlier in the same run" is refused). Call before the first entry.
     */
    public DiskSink allowLinksToNonRegular() {
        for (EntryWriter w : writers) w.allowLinksToNonRegular();
        return this;
    }

    /** Tells l what a rescue map needs to resume this sink's work ({@link Ledger}). Call before the first entry. */
    public DiskSink ledger(Ledger l) {
        links.ledger(l);
        directories.ledger(l);
        if (createdRoot != null) l.implicitDir(Names.DOT, 0);
        return this;
    }

    /** Tells f as {@link #finish} goes ({@link Finishing}). */
    public DiskSink onFinishing(Finishing f) {
        this.finishing = f;
        return this;
    }

    /** Once s is requested, a file not started on a data thread is not written (a large file being copied stops at its next chunk). */
    public DiskSink stopWith(Stop s) {
        for (EntryWriter w : writers) w.stopWith(s);
        return this;
    }

    // ---- resuming a stopped run of the same rescue --------------------------------------------

    /**
     * This sink resumes a stopped run of a rescue that began at startedSec (wall clock), into a
     * TARGET that was empty then or not: an object where an entry goes that the stopped run made
     * after its last checkpoint is removed and made again, and (TARGET empty at the start) a
     * directory there is the rescue's to finish ({@link Leftovers}). Call before the first entry.
     */
    public DiskSink resuming(long startedSec, boolean emptyAtStart) {
        if (emptyAtStart) directories.tree().root.made();
        Leftovers l = new Leftovers(startedSec, emptyAtStart, links);
        for (EntryWriter w : writers) w.leftovers(l);
        return this;
    }

    /** An object the stopped run made (the rescue map lists it): a hard link may name it. */
    public void resumeMade(long dev, long ino) { links.madeEarlier(dev, ino); }

    /** A separate copy the stopped run made at the link limit: later links to named go to copy. */
    public void resumeCopy(byte[] named, byte[] copy) {
        try {
            links.redirect(SafePath.parse(named), SafePath.parse(copy), -1);
        } catch (Refused r) {
            failures.warn(copy, "the rescue map names a copy that is not a safe path: " + r.reason());
        }
    }

    /** A directory the stopped run made for an entry below it: it gets the implicit mode at the end. */
    public void resumeImplicitDir(byte[] path) {
        try {
            directories.tree().at(SafePath.parse(path)).implicit();
        } catch (Refused r) {
            failures.warn(path, "the rescue map names a directory that is not a safe path: " + r.reason());
        }
    }

    /** A directory entry the stopped run finished: its metadata (and ACLs) are still due at the end. */
    public void resumeDirectory(Entry e) {
        try {
            SafePath p = SafePath.parse(e.path());
            DirTree.Node node = directories.tree().at(p);
            node.made();
            directories.explicit(node, p, e);
            meta.deferDirectoryAcls(e.path(), e.extra());
        } catch (Refused r) {
            failures.warn(e.path(), "the rescue map names a directory that is not a safe path: " + r.reason());
        }
    }

    // ---- checkpoints ----------------------------------------------------------------------------

    /**
     * Leading entries complete: made by their lane, their data written by a data thread, not
     * given up as the run stopped. The caller's thread (the one that gives the entries).
     */
    @Override
    public long completed() {
        long next = lanes == null ? seq : lanes.oldestNotMade();
        return Math.min(next, progress.oldestIncomplete());
    }

    /** A stopping run: what the lanes and data threads hold ends (soon: the stop reaches them), a failure kept for the run. */
    @Override
    public void quiesce() {
        if (closed || finished) return;
        if (lanes != null) {
            try {
                lanes.awaitIdle();
            } catch (IOException stopped) {
                // the run's failure: thrown where the run meets it
            }
        }
        for (EntryWriter w : writers) w.quiesce();
    }

    /**
     * Every entry complete so far is made durable by one syncfs of the target's file system.
     * Also after the sink closed (a run that failed as it finished): then the target is opened
     * again by its path for the sync.
     */
    @Override
    public Mark mark() throws IOException {
        long done = completed();
        int fd; // the sync may run after this sink closed its own
        if (!closed) {
            fd = Posix.dup(rootFd);
        } else if (targetPath != null) {
            fd = Posix.openat(Posix.AT_FDCWD, targetPath, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        } else {
            throw new IOException("the disk sink is closed: no checkpoint");
        }
        return new Mark(done, Map.of(), () -> {
            try {
                Posix.syncfs(fd);
            } finally {
                Posix.close(fd);
            }
        });
    }

    @Override
    public void accept(Entry e, Content c) throws IOException {
        try {
            usable();
            // A damaged inode's later paths are named in the rescue report as each is taken (the
            // caller's listener, after accept), which needs the damage known by then, even when
            // this link is refused: a link to a file still read off the drive on a data thread
            // waits for it first.
            if (e.type() == EntryType.HARDLINK) awaitReadBefore(e.linkTarget());
            if (lanes == null) {
                long s = seq++;
                try {
                    single.write(s, e, c);
                } catch (IOException | RuntimeException x) {
                    progress.abandoned(s); // not complete: a resumed run makes it again
                    throw x;
                }
                if (c != null && e.type() == EntryType.FILE && !Retainable.settled(c)) beingRead.add(e.path(), c, s);
                return;
            }
            SafePath p = parsedOrNull(e.path());
            SafePath target = e.type() == EntryType.HARDLINK ? parsedOrNull(e.linkTarget()) : null;
            Retainable r = c == null ? null : c.as(Retainable.class);
            Content held = r == null ? null : r.retain();
            boolean reads = held != null && !r.settled();
            long ticket = lanes.dispatch(e, p, target, held != null ? held : c, held != null, reads);
            if (reads) beingRead.add(e.path(), c, ticket);
        } finally {
            if (c != null) c.close();
        }
    }

    /** Waits until no file that target may name is still being read off the drive (see {@link FilesBeingRead}). */
    private void awaitReadBefore(byte[] target) throws IOException {
        List<FilesBeingRead.Reading> due = beingRead.dueBefore(target);
        for (int i = 0; i < due.size(); i++) { // indexed: an iterator per hard link was garbage
            FilesBeingRead.Reading r = due.get(i);
            if (lanes != null) lanes.awaitMade(r.ticket()); // its lane has handed it to a data thread (or written it)
            links.awaitLanded(r.path()); // its data thread is done: the content is settled
        }
    }

    private static SafePath parsedOrNull(byte[] path) {
        try {
            return SafePath.parse(path);
        } catch (Refused r) {
            return null; // the lane refuses it, and says why
        }
    }

    // ---- late bytes ---------------------------------------------------------------------------

    /**
     * The file this run made for the FILE entry at path, with every separate copy made of it at
     * the link limit, open for bytes a rescue settled after the stream ({@link TargetPatch});
     * null when the entry made no file (refused, or given up). Waits for every entry accepted so
     * far first. Between the last entry and {@link #finish}, on the caller's thread.
     */
    @Override
    public PendingFile reopen(byte[] path, Stat scanned) throws IOException {
        drain();
        SafePath p;
        try {
            p = SafePath.parse(path);
        } catch (Refused r) {
            return null;
        }
        List<SafePath> all = new ArrayList<>();
        all.add(p);
        all.addAll(links.copiesOf(p));
        TargetPatch patch = new TargetPatch(scanned.mtimeSec(), scanned.mtimeNsec());
        try {
            for (SafePath at : all) {
                int dir;
                try {
                    dir = lookups.parentOf(at);
                } catch (Refused r) {
                    if (at == p) break;
                    continue;
                }
                if (!patch.add(dir, at.lastName(), at.bytes(), links) && at == p) break;
            }
            if (!patch.any()) {
                patch.close();
                return null;
            }
            return patch;
        } catch (IOException | RuntimeException e) {
            patch.close();
            throw e;
        }
    }

    // ---- finish -------------------------------------------------------------------------------

    /** Applies directory metadata, deepest first, then releases every descriptor. */
    @Override
    public void finish() throws IOException {
        usable();
        try {
            if (lanes != null) lanes.finish();
            for (EntryWriter w : writers) w.settleAll();
            failures.check();
            if (finishing != null) finishing.entriesDone();
            // Walk afresh: descriptors kept while extracting are not trusted for the last step.
            for (EntryWriter w : writers) w.close();
            lookups.close();
            directories.apply(finishing == null ? null : finishing::beforeRoot);
            finished = true;
        } finally {
            close();
        }
    }

    /** Releases every descriptor; directory metadata not yet applied stays unapplied. Idempotent. */
    @Override
    public void close() {
        if (closed) return;
        if (lanes != null) lanes.close(); // entries still queued are skipped
        for (EntryWriter w : writers) w.close(); // files in flight are finished and settled before the descriptors go
        if (dataThreads != null) dataThreads.close();
        closed = true;
        lookups.close();
        Posix.close(rootFd);
        if (!finished && createdRoot != null) {
            try {
                Posix.unlinkAt(Posix.AT_FDCWD, createdRoot, Posix.AT_REMOVEDIR); // only while it is empty
            } catch (PosixException e) {
                // something was written (ENOTEMPTY): it stays, and the run's failure says what
            }
        }
    }

    /**
     * Waits until every entry accepted so far is made or refused, its data written and its
     * problems reported (with one lane and no data threads, accept already did all that).
     *
     * @throws IOException what the target or a content failed with meanwhile (as accept would)
     */
    public void drain() throws IOException {
        usable();
        if (lanes != null) lanes.awaitIdle(); // the lanes are idle: their writers are this thread's until the next accept
        for (EntryWriter w : writers) w.settleAll();
    }

    /** What was made so far (it waits for the entries accepted so far, as {@link #drain} does). */
    public Counts counts() {
        if (!closed && !finished) {
            try {
                drain();
            } catch (IOException ignored) {
                // a failed run: what was made until then is counted all the same
            }
        }
        List<MadeCounts> all = new ArrayList<>();
        all.add(counts);
        for (EntryWriter w : writers) all.add(w.counts());
        return MadeCounts.sum(all);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void usable() throws TargetWriteException {
        failures.check();
        if (closed || finished) throw new IllegalStateException("disk sink already " + (finished ? "finished" : "closed"));
    }
}
