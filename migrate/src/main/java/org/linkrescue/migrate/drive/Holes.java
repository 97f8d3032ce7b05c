package org.linkrescue.migrate.drive;

import java.util.Arrays;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Where a source file's data lies, when it has holes: found with lseek SEEK_DATA and SEEK_HOLE,
 * as cp --sparse=auto and tar -S (hole detection 'seek') do. Only a file that holds fewer
 * blocks than its size can have holes, so every other file costs no call at all; files under
 * {@link #SMALLEST} bytes are not looked at (a hole there saves a few blocks at most). A hole
 * is never read: it cannot be a bad block, and a 20 GiB image with 200 MiB of data is 200 MiB
 * of reads.
 */
public final class Holes {
    /** Files smaller than this are read whole, holes or not. */
    public static final long SMALLEST = 64 * 1024;

    private Holes() {}

    /**
     * The data runs of fd's file as (offset, length) pairs in order, up to st's size; null when
     * it has no hole worth keeping, or when the file system cannot say (then it is read whole).
     */
    public static long[] of(int fd, Stat st) {
        long size = st.size();
        if (size < SMALLEST || st.blocks() * 512 >= size) return null;
        long[] runs = new long[16];
        int n = 0;
        try {
            long off = 0;
            while (off < size) {
                long data = Posix.nextData(fd, off);
                if (data < 0 || data >= size) break; // a hole to the end
                long hole = Math.min(size, Posix.nextHole(fd, data));
                if (n == runs.length) runs = Arrays.copyOf(runs, 2 * n);
                runs[n++] = data;
                runs[n++] = hole - data;
                off = hole;
            }
        } catch (PosixException e) {
            return null; // EINVAL (no SEEK_DATA here), EIO...: read it whole, as any file
        }
        if (n == 2 && runs[0] == 0 && runs[1] == size) return null;
        return Arrays.copyOf(runs, n);
    }

    /** Bytes of data in runs. */
    public static long dataBytes(long[] runs) {
        long n = 0;
        for (int i = 1; i < runs.length; i += 2) n += runs[i];
        return n;
    }
}
