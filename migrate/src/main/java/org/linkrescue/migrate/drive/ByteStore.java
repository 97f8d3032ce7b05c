package org.linkrescue.migrate.drive;

import java.io.IOException;

/**
 * Where a {@link RescueReader} puts the bytes it could read, each at its own offset (the
 * rescue's spool on a healthy disk): the drive package reads, it does not decide where a
 * damaged file's readable bytes wait.
 */
public interface ByteStore {
    /** Keeps b[from, from + len) as the file's bytes at off. */
    void write(long off, byte[] b, int from, int len) throws IOException;
}
