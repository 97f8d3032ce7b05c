package org.linkrescue.migrate.verify;

import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;

/**
 * verify --sparse: whether a copy kept its source's holes. Equal bytes are the content check's
 * business; this one asks only where the data lies (lseek SEEK_DATA/SEEK_HOLE on both sides): a
 * hole of SOURCE, cut to whole 4 KiB blocks (file systems keep holes in blocks), that holds data
 * in the copy is a difference, since the copy then takes blocks its source did not.
 */
final class HoleCheck {
    static final long BLOCK = 4096;

    private HoleCheck() {}

    /**
     * The first hole of src's file that is data in tgt's, as "hole at bytes A-B (N bytes of holes
     * filled in all)", or null when every hole is kept (or src has none).
     *
     * @throws PosixException an lseek failed on either side
     */
    static String filled(int src, int tgt, long size) throws PosixException {
        return firstFilled(src, size, "holds data in TARGET", "filled", (s, e) -> {
            long filled = 0;
            for (long p = s; p < e; ) { // the copy's data inside this hole
                long d = Posix.nextData(tgt, p);
                if (d < 0 || d >= e) break;
                long h = Math.min(e, Posix.nextHole(tgt, d));
                filled += h - d;
                p = h;
            }
            return filled;
        });
    }

    /**
     * The same for an archive entry: the first hole of src's file that the entry stores as data
     * (runs: its sparse map; null for a plain entry, which stores every byte), or null.
     */
    static String storedAsData(int src, long[] runs, long size) throws PosixException {
        return firstFilled(src, size, "is stored as data in the archive", "stored", (s, e) -> {
            if (runs == null) return Math.max(0, e - s);
            long stored = 0;
            for (int i = 0; i < runs.length; i += 2) stored += Math.max(0, Math.min(e, runs[i] + runs[i + 1]) - Math.max(s, runs[i]));
            return stored;
        });
    }

    /** Bytes of the copy that are data within [s, e), whole blocks of one of src's holes. */
    private interface DataInHole {
        long bytes(long s, long e) throws PosixException;
    }

    /** Walks src's holes; names the first one the copy holds data in, and the bytes in all. */
    private static String firstFilled(int src, long size, String how, String verb, DataInHole copy) throws PosixException {
        String first = null;
        long filled = 0;
        long off = 0;
        while (off < size) {
            long hole = Math.min(size, Posix.nextHole(src, off));
            if (hole >= size) break;
            long data = Posix.nextData(src, hole);
            long end = data < 0 ? size : Math.min(size, data);
            // Only whole blocks inside the hole: a file system stores the partial ones as data.
            long s = (hole + BLOCK - 1) / BLOCK * BLOCK, e = end == size ? end : end / BLOCK * BLOCK;
            long n = copy.bytes(s, e);
            if (n > 0) {
                if (first == null) first = "hole at bytes " + hole + "-" + (end - 1) + " in SOURCE " + how;
                filled += n;
            }
            off = end;
        }
        return first == null ? null : first + " (" + filled + " bytes of holes " + verb + " in all)";
    }
}
