package org.linkrescue.migrate.drive;

import java.nio.ByteBuffer;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * The calls a rescue makes on the failing drive, behind one seam so unit tests can put a
 * fault (EIO on open, EIO on a byte range, a short read, a read that never returns) between the
 * reader and a real file. {@link #REAL} goes straight to {@link org.linkrescue.migrate.fs.Posix}.
 */
public interface BlockReader {
    /** Opens name below dirFd; flags as for openat(2). */
    int open(int dirFd, byte[] name, int flags) throws PosixException;

    Stat fstat(int fd) throws PosixException;

    /**
     * pread(2) into a direct buffer at position 0: returns the bytes read (fewer than len only at
     * end of file or, on a failing drive, where a bad block starts), 0 at end of file.
     */
    int pread(int fd, ByteBuffer direct, int len, long off) throws PosixException;

    void close(int fd);

    /**
     * One sendfile(2) of up to len bytes of in at inOff into out at out's position, inside the
     * kernel: the bytes copied, fewer than len where the file ends or a bad block starts.
     */
    default long sendfile(int out, int in, long inOff, int len) throws PosixException {
        return Posix.sendfileOnce(out, in, inOff, len);
    }

    /**
     * Whether fd's file may be read while another file is read without making the drive seek
     * (see {@link SeekFreeReads}); false, the safe answer, unless the drive knows better.
     */
    default boolean seekFree(int fd, Stat st) { return false; }

    /**
     * Why some of fd's bytes, readable as they are, cannot be vouched for (a drive image whose
     * file system cannot place them on the image, so its mapfile cannot say whether they were
     * rescued); null when every byte read is what the drive holds, or fails.
     */
    default String unverifiable(int fd) { return null; }

    /**
     * Where the damage met at byte off of fd's file ends, when the drive knows it (a ddrescue
     * image: the mapfile says to the byte); blockEnd, the end of the block being read, when it
     * cannot tell. A reader that knows loses no readable byte of the block past it.
     */
    default long lostUntil(int fd, long off, long blockEnd) { return blockEnd; }

    BlockReader REAL = new PosixBlockReader();
}
