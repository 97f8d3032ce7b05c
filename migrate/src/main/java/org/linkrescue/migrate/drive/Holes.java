package org.linkrescue.migrate.drive;

import java.io.IOException;
import java.io.InterruptedIOException;
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

    /** Where data and holes begin: the file system's lseek, or a test's. */
    interface Seeks {
        Seeks POSIX = new Seeks() {
            @Override public long nextData(int fd, long from) throws PosixException { return Posix.nextData(fd, from); }
            @Override public long nextHole(int fd, long from) throws PosixException { return Posix.nextHole(fd, from); }
        };

        long nextData(int fd, long from) throws PosixException;

        long nextHole(int fd, long from) throws PosixException;
    }

    /**
     * The data runs of fd's file as (offset, length) pairs in order, up to st's size; null when
     * it has no hole worth keeping, or when the file system cannot say (then it is read whole).
     * The lseek calls are made on calls' timed worker: finding the holes walks the file's extent
     * tree, which lies on the failing drive as its data does, and a stall there must cost the
     * timeout, not the run. A file whose holes could not be found in time is read whole; its
     * reads are timed, and a hang among them is handled as one.
     */
    public static long[] of(int fd, Stat st, TimedCalls calls) {
        return of(fd, st, calls, Seeks.POSIX);
    }

    /**
     * As {@link #of(int, Stat, TimedCalls)}, the calls made on this thread: for a healthy drive
     * (verify's TARGET) and for a SOURCE read without a timeout. A file system that cannot say
     * gives null: read it whole.
     */
    public static long[] of(int fd, Stat st) {
        if (!mayHaveHoles(st)) return null;
        try {
            return runs(fd, st.size(), Seeks.POSIX);
        } catch (PosixException e) {
            return null;
        }
    }

    static long[] of(int fd, Stat st, TimedCalls calls, Seeks seeks) {
        if (!mayHaveHoles(st)) return null;
        try {
            return calls.call("lseek SEEK_DATA", () -> runs(fd, st.size(), seeks));
        } catch (InterruptedIOException e) {
            Thread.currentThread().interrupt(); // the run is stopping: the next timed call says so
            return null;
        } catch (IOException e) {
            return null; // timed out, EINVAL, EIO: read it whole
        }
    }

    private static boolean mayHaveHoles(Stat st) {
        return st.size() >= SMALLEST && st.blocks() * 512 < st.size();
    }

    private static long[] runs(int fd, long size, Seeks seeks) throws PosixException {
        long[] runs = new long[16];
        int n = 0;
        long off = 0;
        while (off < size) {
            long data = seeks.nextData(fd, off);
            if (data < 0 || data >= size) break; // a hole to the end
            long hole = Math.min(size, seeks.nextHole(fd, data));
            if (n == runs.length) runs = Arrays.copyOf(runs, 2 * n);
            runs[n++] = data;
            runs[n++] = hole - data;
            off = hole;
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
