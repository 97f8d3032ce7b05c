package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.linkrescue.migrate.drive.ByteStore;

/**
 * A damaged file's readable bytes, held at their own offsets in an unlinked temporary file on a
 * healthy disk while candidates are checked against them: a damaged file can be gigabytes, so it
 * never sits in memory. Offsets never written read back as zeros (a sparse file). The file is
 * unlinked as soon as it is open, so nothing is left behind even if the JVM dies.
 */
final class Spool implements ByteStore, DamagedBytes, AutoCloseable {
    private final FileChannel ch;
    private final Path dir;

    Spool(Path dir) throws IOException {
        this.dir = dir;
        Path p = Files.createTempFile(dir, "linkrescue-spool-", ".tmp");
        try {
            ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    @Override
    public void write(long off, byte[] b, int from, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, from, len);
        try {
            while (bb.hasRemaining()) ch.write(bb, off + (bb.position() - from));
        } catch (IOException e) {
            throw new IOException("spool in " + dir + ": " + e.getMessage()
                    + " (a damaged file's readable bytes are held there; choose another disk with --spool-dir)", e);
        }
    }

    @Override
    public void fill(long off, byte[] b, int from, int len) throws IOException { write(off, b, from, len); }

    /** Reads exactly len bytes at off (zeros where nothing was written). */
    @Override
    public void read(long off, byte[] b, int from, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, from, len);
        while (bb.hasRemaining()) {
            int n = ch.read(bb, off + (bb.position() - from));
            if (n < 0) { // beyond what was written: a hole at the end
                Arrays.fill(b, bb.position(), from + len, (byte) 0);
                return;
            }
        }
    }

    @Override public void close() throws IOException { ch.close(); }
}
