package org.linkrescue.migrate.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.PlainRange;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Provenance;

/**
 * One open source file, delivering exactly the scanned size. A read error or an early end of
 * file does not end the content: the rest is zero-filled (the tar header already announced the
 * size), the provenance says which bytes are lost, and the path is reported FAILED with errno.
 */
public final class PlainContent implements Content, PlainRange {
    /** Large reads: a failing drive is slow per request, not per byte. */
    static final int CHUNK = 1 << 20;

    /** One direct buffer (the kernel reads into it) and one heap copy per thread, reused. */
    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private final byte[] path;
    private final long size;
    private final boolean asScanned;
    private final Problems problems;
    private int fd;
    private Provenance provenance = Provenance.CLEAN;

    PlainContent(int fd, byte[] path, long size, boolean asScanned, Problems problems) {
        this.fd = fd;
        this.path = path;
        this.size = size;
        this.asScanned = asScanned;
        this.problems = problems;
    }

    @Override public long size() { return size; }

    /** Only a file that still has the scanned size may be copied as it is. */
    @Override
    public <A> A as(Class<A> ability) {
        return ability == PlainRange.class && !asScanned ? null : Content.super.as(ability);
    }

    @Override public int fd() { return fd; }
    @Override public long offset() { return 0; }

    @Override public Provenance provenance() { return provenance; }

    /** Works whether or not a kernel-side copy from {@link #fd} was tried (pread keeps no position). */
    @Override
    public void feed(Chunks out) throws IOException {
        Buffers b = BUFFERS.get();
        long off = 0;
        while (off < size) {
            int want = (int) Math.min(CHUNK, size - off);
            int n;
            try {
                n = Posix.pread(fd, b.direct, want, off);
            } catch (PosixException e) {
                lost(out, b, off, "read: " + e.reason() + " at byte " + off + " of " + size);
                return;
            }
            if (n == 0) {
                lost(out, b, off, "file shrank during the run: ended at byte " + off + " of " + size);
                return;
            }
            b.direct.get(0, b.heap, 0, n);
            out.accept(b.heap, 0, n);
            off += n;
        }
    }

    private void lost(Chunks out, Buffers b, long off, String why) throws IOException {
        long missing = size - off;
        problems.report(Grade.FAILED, path, why + "; " + missing + " bytes zero-filled");
        provenance = new Provenance(off == 0
                ? List.of(new Provenance.Range(0, size, "zero"))
                : List.of(new Provenance.Range(0, off, "source"), new Provenance.Range(off, missing, "zero")), true);
        Arrays.fill(b.heap, (byte) 0);
        while (off < size) {
            int n = (int) Math.min(CHUNK, size - off);
            out.accept(b.heap, 0, n);
            off += n;
        }
    }

    @Override
    public void close() {
        Posix.close(fd);
        fd = -1;
    }

    private static final class Buffers {
        final ByteBuffer direct = ByteBuffer.allocateDirect(CHUNK);
        final byte[] heap = new byte[CHUNK];
    }
}
