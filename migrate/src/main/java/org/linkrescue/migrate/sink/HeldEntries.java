package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Entry;
import org.linkrescue.migrate.stream.Provenance;

/**
 * The entries a tar sink holds back until a rescue in passes has settled their bytes (see
 * {@link TarSink#holdPendingIn}): each FILE entry with its bytes as first delivered, in one
 * unlinked file on a healthy disk (each at an offset of its own; a sparse file's holes never
 * written, so they cost nothing), every hard link to it, and the directories they go into.
 * Damaged files are few, so the entries themselves are kept in memory.
 */
final class HeldEntries implements AutoCloseable {
    /** One held FILE entry: where its bytes wait, its data runs (null: no holes), its links in stream order. */
    static final class Held {
        final Entry entry;
        final long base;
        final long[] runs;
        final List<Entry> links = new ArrayList<>();
        /** The provenance its bytes came with, until the rescue says what they are in the end. */
        final Provenance delivered;
        boolean written;

        Held(Entry entry, long base, long[] runs, Provenance delivered) {
            this.entry = entry;
            this.base = base;
            this.runs = runs;
            this.delivered = delivered;
        }
    }

    private final Path dir;
    private FileChannel spool; // made on first need
    private long next;
    private final Map<ByteBuffer, Held> byPath = new LinkedHashMap<>();
    /** Directory entries that held entries go into, in stream order: written again after them. */
    private final Map<ByteBuffer, Entry> parents = new LinkedHashMap<>();

    HeldEntries(Path dir) { this.dir = dir; }

    /** Holds entry (a FILE); its bytes are to be written with {@link #write} at offsets from 0. */
    Held hold(Entry entry, long[] runs, Provenance delivered) throws IOException {
        if (spool == null) open();
        Held h = new Held(entry, next, runs, delivered);
        next += (entry.size() + 4095) / 4096 * 4096;
        byPath.put(ByteBuffer.wrap(entry.path()), h);
        return h;
    }

    private void open() throws IOException {
        Path p = Files.createTempFile(dir, "linkrescue-held-", ".tmp");
        try {
            spool = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } finally {
            Files.deleteIfExists(p);
        }
    }

    /** The held entry at path, or null. */
    Held get(byte[] path) { return byPath.get(ByteBuffer.wrap(path)); }

    /** Every held entry, in the order they were held. */
    List<Held> all() { return new ArrayList<>(byPath.values()); }

    /** A directory a held entry (or a link to one) goes into: it is written again after them. */
    void parent(Entry dirEntry) { parents.putIfAbsent(ByteBuffer.wrap(dirEntry.path()), dirEntry); }

    List<Entry> parents() { return new ArrayList<>(parents.values()); }

    boolean isEmpty() { return byPath.isEmpty(); }

    void write(Held h, long off, byte[] b, int from, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, from, len);
        try {
            while (bb.hasRemaining()) spool.write(bb, h.base + off + (bb.position() - from));
        } catch (IOException e) {
            throw new IOException("held entries in " + dir + ": " + e.getMessage()
                    + " (damaged files wait there for the end of the archive; choose another disk with --spool-dir)", e);
        }
    }

    /** Reads exactly len bytes of h at off (zeros where none were written). */
    void read(Held h, long off, byte[] b, int from, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, from, len);
        while (bb.hasRemaining()) {
            int n = spool.read(bb, h.base + off + (bb.position() - from));
            if (n < 0) {
                Arrays.fill(b, bb.position(), from + len, (byte) 0);
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (spool != null) spool.close();
    }
}
