package org.linkrescue.migrate.fs;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import org.linkrescue.archive.Names;

/**
 * The directories a walk of any depth holds open: at most {@link #LIMIT}. Past that the
 * shallowest is closed, and on the way back up it is opened again through ".." of its child
 * and checked (device and inode) to be the same directory. A tree 10,000 levels deep would
 * otherwise hold 10,000 descriptors per walk, and a verify walks two trees at once.
 *
 * <p>A walk opens its directories in depth order and closes them deepest first; a directory
 * is only reopened when nothing deeper is open. So the open ones are always a run of
 * consecutive levels, kept here shallowest first.
 */
public final class DirWindow {
    /** Directories held open at once: 64 covers any usual tree and costs nothing against the descriptor limit. */
    public static final int LIMIT = 64;

    /** Told before a directory's descriptor is closed (a walk's visitor must stop using it). */
    public interface BeforeClose {
        void closing(int fd) throws IOException;
    }

    /** One directory of the walk: open, or given up for a while. */
    public static final class Dir {
        private int fd;
        private final long dev, ino;

        private Dir(int fd, long dev, long ino) {
            this.fd = fd;
            this.dev = dev;
            this.ino = ino;
        }

        /** Its descriptor, or -1 while given up. */
        public int fd() { return fd; }

        public boolean isOpen() { return fd >= 0; }
    }

    private final int limit;
    private final BeforeClose before;
    private final ArrayDeque<Dir> open = new ArrayDeque<>();

    public DirWindow(BeforeClose before) {
        this(LIMIT, before);
    }

    DirWindow(int limit, BeforeClose before) {
        this.limit = limit;
        this.before = before;
    }

    /**
     * A directory just opened, one level deeper than every directory open (the window takes
     * the descriptor over). The shallowest may be given up to make room.
     */
    public Dir opened(int fd, Stat st) throws IOException {
        Dir d = new Dir(fd, st.devId(), st.ino());
        open.addLast(d);
        if (open.size() > limit) release(open.pollFirst());
        return d;
    }

    /** Closes d for good, if it is open. */
    public void close(Dir d) throws IOException {
        if (!d.isOpen()) return;
        open.removeLastOccurrence(d);
        release(d);
    }

    /**
     * Gives d's descriptor to the caller, who closes it (a walk's visitor whose work below it
     * goes on): d is no longer held, and nobody is told it closes.
     */
    public int handOver(Dir d) {
        int fd = d.fd;
        if (fd < 0) return fd;
        open.removeLastOccurrence(d);
        d.fd = -1;
        return fd;
    }

    /** Closes every directory still open (a walk that ends early); nothing is told. */
    public void closeAll() {
        for (Dir d : open) {
            Posix.close(d.fd);
            d.fd = -1;
        }
        open.clear();
    }

    /**
     * Opens parent, given up before, again through ".." of its child (which must be open):
     * returns null when it is the same directory, else why not (moved or replaced during the
     * walk, or the open failed).
     */
    public String reopen(Dir parent, Dir child) {
        if (parent.isOpen()) return null;
        if (!child.isOpen()) return "its subdirectory could not be reopened either";
        try {
            return adopt(parent, Posix.openat(child.fd, DOTDOT, Posix.O_RDONLY | Posix.O_DIRECTORY, 0));
        } catch (PosixException e) {
            return e.reason();
        }
    }

    /**
     * Opens parent, given up before, again by the names leading to it from an open directory
     * above (a walk whose deeper level was on another side than parent's): returns null when it
     * is the same directory, else why not. Costs one open per name, so only for what ".." of a
     * child cannot do.
     */
    public String reopenBelow(Dir parent, int aboveFd, List<byte[]> names) {
        if (parent.isOpen()) return null;
        int fd = aboveFd;
        try {
            for (byte[] name : names) {
                int next = Posix.openDir(fd, name);
                if (fd != aboveFd) Posix.close(fd);
                fd = next;
            }
            return adopt(parent, fd == aboveFd ? Posix.openat(aboveFd, Names.DOT, Posix.O_RDONLY | Posix.O_DIRECTORY, 0) : fd);
        } catch (PosixException e) {
            if (fd != aboveFd) Posix.close(fd);
            return e.reason();
        }
    }

    /** Takes fd as parent's descriptor if it is parent's directory (else closes it and says why not). */
    private String adopt(Dir parent, int fd) {
        try {
            Stat now = Posix.fstat(fd);
            if (now.devId() != parent.dev || now.ino() != parent.ino) {
                Posix.close(fd);
                return "it was moved or replaced during the walk";
            }
        } catch (PosixException e) {
            Posix.close(fd);
            return e.reason();
        }
        parent.fd = fd;
        open.addFirst(parent);
        return null;
    }

    private static final byte[] DOTDOT = Names.bytes("..");

    private void release(Dir d) throws IOException {
        int fd = d.fd;
        d.fd = -1;
        try {
            before.closing(fd);
        } finally {
            Posix.close(fd);
        }
    }
}
