package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;

/**
 * A file the disk sink is writing: its descriptor, and, where the file may have to be replaced,
 * its directory's descriptor and its name. A kernel-side copy of a chunk of a failing drive that
 * is given up for lost may still write into the file when the kernel lets it go, long after the
 * file was finished and its times set. {@link #replace} lets that inode go: a fresh file in the
 * same directory gets the bytes written before the lost chunk and then takes over the name, so
 * the late write lands in an inode without a name. Links to the file are made only once it is
 * written and kept (see {@link LinkTargets}), so none can point at the inode let go.
 */
final class TargetFile implements AutoCloseable {
    private static final AtomicLong NAMES = new AtomicLong();

    private final int dir;
    private final boolean ownsDir;
    private final byte[] name;
    private final int perm;
    private final int flags;
    private int fd;

    /** A file that is never replaced. */
    TargetFile(int fd) {
        this(fd, -1, false, null, 0, 0);
    }

    /**
     * @param dir     its directory, valid while this is open; closed by {@link #close} if ownsDir
     * @param flags   what the file was opened with (O_RDWR: its bytes are read back by a replace)
     */
    TargetFile(int fd, int dir, boolean ownsDir, byte[] name, int perm, int flags) {
        this.fd = fd;
        this.dir = dir;
        this.ownsDir = ownsDir;
        this.name = name;
        this.perm = perm;
        this.flags = flags;
    }

    int fd() { return fd; }

    boolean replaceable() { return dir >= 0; }

    /**
     * Gives the name a fresh inode holding the first keep bytes of the current one, and returns
     * its descriptor (the old one is closed: the lost call wrote through a descriptor of its own).
     * On failure the old file stays as it was, to be removed as any failed file.
     */
    int replace(long keep) throws PosixException {
        if (!replaceable()) throw new IllegalStateException("not replaceable");
        byte[] tmp = null;
        int made = -1;
        for (int tries = 0; made < 0; tries++) {
            tmp = tempName();
            try {
                made = Posix.openat(dir, tmp, flags, perm);
            } catch (PosixException x) {
                if (x.errno() != Errno.EEXIST || tries == 9) throw x;
            }
        }
        try {
            long n;
            try {
                // A FileData of its own: what copies work between the target and itself says
                // nothing of the drive and the target.
                n = new FileData().copy(fd, 0, made, keep);
            } catch (FileData.SourceFailed s) {
                throw (PosixException) s.getCause();
            } catch (PosixException x) {
                throw x;
            } catch (IOException x) {
                throw new PosixException("copy", name, Errno.EIO);
            }
            if (n != keep) throw new PosixException("copy", name, Errno.EIO);
            Posix.renameAt(dir, tmp, dir, name);
        } catch (PosixException x) {
            Posix.close(made);
            try {
                Posix.unlinkAt(dir, tmp, 0);
            } catch (PosixException ignored) {
                // already reported through x; a stray temporary is all that is left
            }
            throw x;
        }
        Posix.close(fd);
        fd = made;
        return made;
    }

    /** A name in the file's directory no entry of an archive is likely to have. */
    private byte[] tempName() {
        return (".linkrescue-replace-" + ProcessHandle.current().pid() + "-" + NAMES.incrementAndGet())
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        Posix.close(fd);
        if (ownsDir) Posix.close(dir);
    }
}
