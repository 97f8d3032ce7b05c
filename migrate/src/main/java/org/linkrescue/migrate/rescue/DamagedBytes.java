package org.linkrescue.migrate.rescue;

import java.io.IOException;

/**
 * A damaged file's bytes while candidates are checked against them: the bytes the drive gave,
 * at their offsets, to compare; and room for a candidate's bytes in the bad ranges, so the
 * splice needs no second read of the candidate. The inline rescue keeps both in one
 * {@link Spool}; the later passes read the file the sink wrote and keep a candidate's bytes
 * apart until it is accepted ({@link SplicePass}).
 */
interface DamagedBytes {
    /** Reads exactly len bytes at off (zeros where the drive gave none). */
    void read(long off, byte[] b, int from, int len) throws IOException;

    /** Keeps a candidate's bytes for a bad range at off. */
    void fill(long off, byte[] b, int from, int len) throws IOException;
}
