package org.linkrescue.migrate.sink;

import java.io.IOException;
import org.linkrescue.archive.Entry;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Retainable;
import org.linkrescue.migrate.stream.Stop;

/**
 * Makes entries in the target, one at a time in the order given, on one thread: the disk sink's
 * creation core and its dispatch by entry type. Every entry goes the same way: find its parent by
 * a no-follow walk from the target's root descriptor ({@link DirCursor}), create the object with
 * one exclusive system call (never overwriting, never following), write data ({@link FileData},
 * or a data thread: {@link DataThreadFiles}), then owner, mode and times
 * ({@link MetadataWriter}); hard links in a room of their own ({@link HardLinks}).
 *
 * <p>The sink has one of these per lane ({@link Lanes}); each keeps its own walk cursors,
 * link-directory cache, copy buffer and counts, and shares with the others the link tables
 * ({@link LinkTargets}), the directory metadata for the end ({@link DirectoryFinisher}), the data
 * threads and the stop on a failing target ({@link SinkFailures}).
 */
final class EntryWriter implements AutoCloseable {
    /** O_RDWR: a file replaced half-way is read back (see {@link TargetFile}). */
    static final int FILE_FLAGS = Posix.O_RDWR | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW;

    /**
     * What every lane of one sink shares. bytesInMemoryHere: a file whose bytes are in memory
     * already is written by the lane itself, the data threads take only files read as they are
     * written (with lanes, the lanes are the parallelism, and a hand-off per small file to a data
     * thread only costs: a wake-up, and a table shared by more threads).
     */
    record Shared(int rootFd, int cachedDirFds, Problems problems, MetadataWriter meta, DirectoryFinisher directories,
                  LinkTargets targets, DataWriters<DataThreadFiles.Written> dataThreads, SinkFailures failures,
                  boolean bytesInMemoryHere, SinkProgress progress) {}

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
     * Walks to paths that must already exist (a failed file to remove) and never creates one. A
     * cursor of its own, because those sit in another part of the tree and would otherwise evict
     * the entries' stack every time.
     */
    private final DirCursor lookups;
    private final DataThreadFiles inFlight;
    private final HardLinks links;
    private final FileData data = new FileData();
    private final boolean bytesInMemoryHere;

    /** @param linkDirs link-target directories this writer keeps open */
    EntryWriter(Shared s, int linkDirs) {
        this.rootFd = s.rootFd();
        this.problems = s.problems();
        this.failures = s.failures().forLane(counts);
        this.meta = s.meta();
        this.directories = s.directories();
        this.lookups = new DirCursor(rootFd, s.cachedDirFds(), null);
        this.entries = new DirCursor(rootFd, s.cachedDirFds(), directories.tree());
        this.inFlight = new DataThreadFiles(s.dataThreads(), meta, failures, counts, lookups, s.targets(), s.progress());
        this.links = new HardLinks(rootFd, linkDirs, entries, s.targets(), meta, data, failures, counts, problems);
        this.bytesInMemoryHere = s.bytesInMemoryHere();
    }

    void allowLinksToNonRegular() { links.allowLinksToNonRegular(); }

    /** Resuming a stopped run: what it left where an entry goes is judged by l ({@link Leftovers}). */
    private Leftovers leftovers;

    void leftovers(Leftovers l) {
        leftovers = l;
        links.leftovers(l);
    }

    void stopWith(Stop s) { inFlight.stopWith(s); }

    /** Waits for this writer's files on the data threads and takes them in, a failure among them kept for later (a stopping run). */
    void quiesce() { inFlight.close(); }

    /** Whether an EEXIST at dir/name was a stopped run's leftover, now removed (resuming). */
    private boolean leftover(int dir, byte[] name) throws PosixException {
        return leftovers != null && leftovers.replaced(dir, name);
    }

    /** What this writer made so far (read on its own thread, or once it is idle). */
    MadeCounts counts() { return counts; }

    /**
     * Makes entry e, the stream's entry number seq, with its data (FILE only), the caller's
     * content: consumed here (or retained for a data thread), and closed by the caller.
     *
     * @throws TargetWriteException the target failed (reported FATAL)
     * @throws IOException          the content itself failed (the producer's error, as it came)
     */
    void write(long seq, Entry e, Content content) throws IOException {
        write(seq, null, null, e, content, false, false);
    }

    /**
     * As {@link #write(long, Entry, Content)}, with e's path, and a hard link's target, cleaned
     * already (null: cleaned here, or refused). owned: content is a handle this writer must
     * close ({@link Retainable#retain}, taken by the sink), reading its bytes off the drive as it
     * is written when reads.
     */
    void write(long seq, SafePath path, SafePath linkTarget, Entry e, Content content, boolean owned, boolean reads)
            throws IOException {
        boolean handedOver = false;
        try {
            inFlight.settle(); // before the entry's own try: what it throws belongs to earlier entries
            try {
                SafePath p = path != null ? path : SafePath.parse(e.path());
                switch (e.type()) {
                    case FILE -> handedOver = file(seq, p, e, content, owned, reads);
                    case HARDLINK -> links.link(seq, notRoot(p, e), linkTarget, e);
                    case SYMLINK -> symlink(seq, p, e);
                    case DIRECTORY -> directory(seq, p, e);
                    case FIFO, CHAR_DEVICE, BLOCK_DEVICE -> special(seq, p, e);
                }
            } catch (Refused r) {
                if (content != null && !handedOver) FileData.discard(content); // keeps the stream in step
                failures.refused(e.path(), r.reason());
            } catch (FileData.ContentFailed x) {
                throw x.original(); // the producer's failure, passed on as it came
            } catch (PosixException x) {
                failures.entryFailed(e.path(), x);
            }
        } finally {
            if (content != null && owned && !handedOver) content.close();
        }
    }

    /** Takes in what the data threads finished for this writer (see {@link DataThreadFiles#settle}). */
    void settle() throws IOException { inFlight.settle(); }

    /** Waits for this writer's files on the data threads and takes them in. */
    void settleAll() throws IOException { inFlight.settleAll(); }

    // ---- one method per entry type ------------------------------------------------------------

    /** Returns true when c went to a data thread, which closes it. */
    private boolean file(long seq, SafePath p, Entry e, Content c, boolean owned, boolean reads) throws IOException, Refused {
        int dir;
        byte[] name;
        int fd;
        try {
            notRoot(p, e);
            dir = entries.parentOf(p);
            name = p.lastName();
            // Made with its permission bits at once (umask permitting): no chmod afterwards.
            try {
                fd = create(dir, name, e.mode() & 0777);
            } catch (Refused r) {
                if (!leftover(dir, name)) throw r;
                fd = create(dir, name, e.mode() & 0777);
            }
        } catch (PosixException x) {
            if (!TargetWriteException.isTargetFailure(x.errno())) FileData.discard(c); // keeps the stream in step
            throw x;
        }
        Content held = null;
        if (owned) {
            if (inFlight.enabled() && (reads || !bytesInMemoryHere)) held = c;
        } else if (inFlight.enabled()) {
            Retainable r = c.as(Retainable.class);
            held = r == null ? null : r.retain();
            reads = held != null && !r.settled();
        }
        if (held != null) {
            TargetFile out = null;
            try {
                // Read off the drive as it is written: may need replacing, from a data thread,
                // so with a directory descriptor of its own (the walk's may be closed meanwhile).
                out = reads ? new TargetFile(fd, Posix.dup(dir), true, name, e.mode() & 0777, FILE_FLAGS) : new TargetFile(fd);
                inFlight.submit(p, seq, out, e, held, reads);
            } catch (IOException | RuntimeException x) {
                if (!owned) held.close(); // an owned one is closed by write
                if (out != null) out.close();
                else Posix.close(fd);
                unlinkQuietly(dir, name);
                throw x;
            }
            return true;
        }
        boolean keep = false;
        TargetFile out = new TargetFile(fd, dir, false, name, e.mode() & 0777, FILE_FLAGS);
        try {
            long n;
            try {
                n = data.write(out, c);
            } catch (FileData.SourceFailed s) {
                failures.failed(e.path(), "not written: " + s.getMessage());
                return false;
            }
            if (n != e.size() || n != c.size()) {
                failures.failed(e.path(), "not written: source delivered " + n + " of " + e.size() + " bytes");
                return false;
            }
            links.kept(p, meta.afterData(out.fd(), e), seq);
            keep = true;
            counts.files++;
            counts.bytes += n;
        } finally {
            out.close();
            // A file without all its bytes would be invented data: it goes, and a report says so.
            if (!keep) unlinkQuietly(dir, name);
        }
        return false;
    }

    private void symlink(long seq, SafePath p, Entry e) throws IOException, Refused {
        notRoot(p, e);
        byte[] target = e.linkTarget();
        for (byte b : target) {
            if (b == 0) throw new Refused("symlink target contains a NUL byte");
        }
        int dir = entries.parentOf(p);
        byte[] name = p.lastName();
        try {
            Posix.symlinkAt(target, dir, name);
        } catch (PosixException x) {
            if (x.errno() != Errno.EEXIST) throw x;
            if (!leftover(dir, name)) throw new Refused("exists");
            Posix.symlinkAt(target, dir, name);
        }
        counts.symlinks++;
        links.madeHere(dir, name, seq);
        meta.byName(dir, name, e, false);
    }

    private void directory(long seq, SafePath p, Entry e) throws IOException, Refused {
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
                if (!Posix.lstatAt(dir, name).isDir()) {
                    if (!leftover(dir, name)) throw new Refused("exists");
                    Posix.mkdirAt(dir, name, 0700);
                } else {
                    // A directory a stopped run of this rescue made is this rescue's to finish.
                    madeNow = leftovers != null && leftovers.directoriesOurs();
                }
            }
            node = entries.node().child(name);
            if (madeNow) node.made();
        } else {
            dir = rootFd;
            node = directories.tree().root;
        }
        if (!node.isMade()) return; // there before this run (--allow-existing): left as it is
        meta.directoryXattrs(dir, name, e.path(), e.extra());
        if (!node.isExplicit()) counts.dirs++; // an archive may state a directory again after files written last: one directory
        directories.explicit(node, p, e, seq);
    }

    private void special(long seq, SafePath p, Entry e) throws IOException, Refused {
        notRoot(p, e);
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
            if (x.errno() != Errno.EEXIST) throw x;
            if (!leftover(dir, name)) throw new Refused("exists");
            Posix.mknodAt(dir, name, type | 0600, e.devMajor(), e.devMinor());
        }
        counts.specials++;
        links.madeHere(dir, name, seq);
        meta.byName(dir, name, e, true);
    }

    // ---- helpers ------------------------------------------------------------------------------

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

    /**
     * Finishes this writer's files in flight (settling them, so a failed one is still removed),
     * then releases its descriptors.
     */
    @Override
    public void close() {
        inFlight.close();
        entries.close();
        lookups.close();
        links.close();
    }
}
