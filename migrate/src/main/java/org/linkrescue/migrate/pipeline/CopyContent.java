package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/**
 * The bytes of a copy of a file the drive could not list or lstat (see {@link Refill}): a file
 * of a healthy alternate, read as it is. Its provenance says where it came from unless it was
 * proven equal to the drive's inode. Exactly size bytes are delivered, as every content must:
 * a copy that turns out shorter is zero-filled to the size and marked damaged.
 */
final class CopyContent implements Content {
    private final int fd;
    private final long size;
    private final String origin;
    private Provenance provenance = Provenance.CLEAN;

    /**
     * @param fd     the copy, open for reading (owned from now on)
     * @param origin where the bytes come from ("mirror:DIR/S/R"), or null when they were proven
     *               to be the drive inode's own
     */
    CopyContent(int fd, long size, String origin) {
        this.fd = fd;
        this.size = size;
        this.origin = origin;
    }

    @Override public long size() { return size; }

    @Override
    public void feed(Chunks out) throws IOException {
        byte[] buf = new byte[(int) Math.min(1 << 20, Math.max(1, size))];
        long off = 0;
        while (off < size) {
            int n = Posix.pread(fd, buf, (int) Math.min(buf.length, size - off), off);
            if (n == 0) break;
            out.accept(buf, 0, n);
            off += n;
        }
        if (off < size) { // the copy shrank since it was looked at: the rest is zeros, and said so
            Arrays.fill(buf, (byte) 0);
            for (long z = off; z < size; z += buf.length) out.accept(buf, 0, (int) Math.min(buf.length, size - z));
            provenance = new Provenance(List.of(new Provenance.Range(0, off, origin == null ? "source" : origin),
                    new Provenance.Range(off, size - off, "zero")), true);
            if (off == 0) provenance = new Provenance(List.of(new Provenance.Range(0, size, "zero")), true);
            return;
        }
        if (origin != null && size > 0) provenance = new Provenance(List.of(new Provenance.Range(0, size, origin)), false);
    }

    @Override public Provenance provenance() { return provenance; }

    @Override public void close() { Posix.close(fd); }
}
