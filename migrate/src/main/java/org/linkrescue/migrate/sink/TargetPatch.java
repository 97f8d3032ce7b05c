package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.fs.XattrsAt;
import org.linkrescue.migrate.stream.PendingFiles.PendingFile;
import org.linkrescue.migrate.stream.Provenance;

/**
 * A file this run made, open again for bytes a rescue settled after the tree was written
 * (see {@link org.linkrescue.migrate.stream.PendingFiles}): written in place, so the inode and
 * every hard link to it stay, and with it every separate copy made of it at the link limit.
 * Writing changes what the metadata pass set: the mtime (and ctime, which nothing can set), the
 * setuid and setgid bits (cleared by the kernel for a writer without CAP_FSETID) and file
 * capabilities (security.capability, always removed by a write); each is put back as it was
 * when the file is let go, and the mtime as the entry has it: a run killed while it wrote left
 * the file with the time of its write. A file without a write bit for its owner is given one while it is
 * open (only a non-root owner needs it).
 */
final class TargetPatch implements PendingFile {
    private static final byte[] CAPABILITY = Names.bytes("security.capability");

    /** One file open for writing, and what writing may change in it. */
    private record Open(byte[] path, int fd, Stat before, byte[] capability) {}

    private final List<Open> files = new ArrayList<>();
    private final long mtimeSec;
    private final int mtimeNsec;

    /** mtime: the entry's, which the files are let go with */
    TargetPatch(long mtimeSec, int mtimeNsec) {
        this.mtimeSec = mtimeSec;
        this.mtimeNsec = mtimeNsec;
    }

    /**
     * Adds the file name below dir (path: its place in TARGET, for messages), opened for reading
     * and writing; false when it is not a regular file this run made (the entry was refused or
     * replaced), and then nothing is added. The first file added is the one reads come from.
     */
    boolean add(int dir, byte[] name, byte[] path, LinkTargets made) throws IOException {
        Open o = openOne(dir, name, path, made);
        if (o == null) return false;
        files.add(o);
        return true;
    }

    private static Open openOne(int dir, byte[] name, byte[] path, LinkTargets made) throws IOException {
        Stat st;
        try {
            st = Posix.lstatAt(dir, name);
        } catch (PosixException e) {
            if (e.errno() == Errno.ENOENT) return null;
            throw e;
        }
        if (!st.isRegular() || !made.madeBefore(st.devId(), st.ino(), Long.MAX_VALUE)) return null;
        int flags = Posix.O_RDWR | Posix.O_NOFOLLOW | Posix.O_NOCTTY | Posix.O_NONBLOCK;
        int fd;
        try {
            fd = Posix.openat(dir, name, flags, 0);
        } catch (PosixException e) {
            if (e.errno() != Errno.EACCES) throw e;
            Posix.fchmodAtNoFollow(dir, name, st.perm() | 0600); // its owner may; put back at close
            fd = Posix.openat(dir, name, flags, 0);
        }
        try {
            Stat now = Posix.fstat(fd);
            if (now.ino() != st.ino() || now.devId() != st.devId()) throw new IOException(Names.display(path) + " changed while opened");
            byte[] cap = null;
            try {
                cap = XattrsAt.getOf(fd, CAPABILITY);
            } catch (PosixException e) {
                if (e.errno() != Errno.EOPNOTSUPP) throw e; // a file system without attributes has none to lose
            }
            return new Open(path, fd, st, cap);
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /** Whether a file was added. */
    boolean any() { return !files.isEmpty(); }

    /** What reads land in before they are copied out (the kernel reads into the start of an array). */
    private byte[] scratch = new byte[0];

    @Override
    public void read(long off, byte[] b, int from, int len) throws IOException {
        int fd = files.get(0).fd();
        if (scratch.length < len) scratch = new byte[len];
        int done = 0;
        while (done < len) {
            int n = Posix.pread(fd, scratch, len - done, off + done);
            if (n == 0) { // shorter than the entry (a write that failed cut it): the rest reads as zeros
                Arrays.fill(b, from + done, from + len, (byte) 0);
                return;
            }
            System.arraycopy(scratch, 0, b, from + done, n);
            done += n;
        }
    }

    @Override
    public void write(long off, byte[] b, int from, int len) throws IOException {
        for (Open o : files) Posix.pwriteFully(o.fd(), b, from, len, off);
    }

    /** The bytes are in place already: nothing more to write. */
    @Override public void complete(Provenance provenance) {}

    /** Puts back mode, capabilities and the entry's mtime (in that order: a chmod would not touch the mtime, nor this the mode). */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Open o : files) {
            try {
                Stat now = Posix.fstat(o.fd());
                if (now.perm() != o.before().perm()) Posix.fchmod(o.fd(), o.before().perm());
                if (o.capability() != null) XattrsAt.setOf(o.fd(), CAPABILITY, o.capability());
                Posix.futimens(o.fd(), 0, Posix.UTIME_OMIT, mtimeSec, mtimeNsec);
            } catch (IOException e) {
                if (first == null) first = new IOException(Names.display(o.path()) + ": " + e.getMessage(), e);
            } finally {
                Posix.close(o.fd());
            }
        }
        files.clear();
        if (first != null) throw first;
    }
}
