package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import org.linkrescue.archive.TarFormatException;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.PlainRange;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Retainable;

/**
 * The data of a tar entry inside an uncompressed archive file, known by where it lies: the disk
 * sink copies it kernel-side from the archive's descriptor at that offset, while the reader
 * has already seeked past it to the next header. It holds no resource of its own (the archive
 * stays open until the run ends), so it is its own retained handle. Only for entries whose
 * stored bytes are the file's bytes (not sparse) and lie wholly inside the file.
 */
final class ArchiveRangeContent implements Content, PlainRange, Retainable {
    private static final int FEED_BUFFER = 256 * 1024;

    private final int fd;
    private final long offset;
    private final long size;
    private final Provenance provenance;

    ArchiveRangeContent(int fd, long offset, long size, Provenance provenance) {
        this.fd = fd;
        this.offset = offset;
        this.size = size;
        this.provenance = provenance;
    }

    @Override public long size() { return size; }
    @Override public Provenance provenance() { return provenance; }
    @Override public int fd() { return fd; }
    @Override public long offset() { return offset; }
    @Override public Content retain() { return this; }

    /** For a sink that takes bytes rather than descriptors: read by offset, like the kernel copy. */
    @Override
    public void feed(Chunks out) throws IOException {
        byte[] buf = new byte[(int) Math.min(FEED_BUFFER, Math.max(1, size))];
        long done = 0;
        while (done < size) {
            int n = Posix.pread(fd, buf, (int) Math.min(buf.length, size - done), offset + done);
            if (n == 0) throw new TarFormatException("archive entry ended " + (size - done) + " bytes early");
            out.accept(buf, 0, n);
            done += n;
        }
    }
}
