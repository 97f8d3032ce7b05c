package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.linkrescue.archive.Cancellation;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.FramedOutput;
import org.linkrescue.archive.TarWriter;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Checkpointable;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Deferrable;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.PendingFiles;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.SparseData;
import org.linkrescue.migrate.stream.Stop;

/**
 * Writes the entry stream as a tar archive (optionally compressed). A content whose provenance
 * is known before its bytes (read ahead, or rescued) and is not clean gets its provenance as
 * PAX records of our own namespace in the entry's header, so extract can tell which bytes were
 * spliced or lost. A content found damaged only while streaming (a file too large to read
 * ahead) cannot be marked in a header already written: its records follow its data as late
 * records ({@link TarWriter#putLateRecords}, a pax global header naming the entry), which
 * extract reports the same way.
 *
 * <p>A stream cannot be patched: with {@link #holdPendingIn}, a file whose bytes a rescue in
 * passes has still to settle ({@link Provenance#pending}, known before its header because it was
 * read ahead) is held back with every hard link to it, and written with its final bytes and
 * provenance once the rescue gives them ({@link PendingFiles}), at the end of the archive; the
 * directories they go into are written again after them, so an extractor that sets a
 * directory's mtime as soon as it leaves it (GNU tar) sets it once more after their files. A
 * resumed stream, which may begin with a held entry, is told of the directories above its
 * first entry ({@link #writtenAbove}) for that.
 *
 * <p>The archive is complete only after {@link #finish}: closing without it leaves the end
 * marker out, so a run that died cannot pass for a whole archive.
 */
public final class TarSink implements EntrySink, PendingFiles, Checkpointable {
    private final FramedOutput out;
    private final TarWriter tar;
    private final Function<Content, Map<String, byte[]>> provenanceRecords;
    private final Content.Chunks toTar;
    private boolean finished, closed;
    /** The FILE entry whose data is being written, and whether its header had the records. */
    private Entry open;
    private Content openContent;
    private boolean recordsInHeader;
    /** Entries held back for a rescue in passes; null: a pending file is written as it comes. */
    private HeldEntries held;
    /** The held entry whose bytes are being taken now, else null. */
    private HeldEntries.Held holding;
    /** Where the current entry's bytes go: the tar stream, or the held entry's store. */
    private Content.Chunks current;
    /** The directory entries on the way down to the current entry (the stream is depth-first). */
    private final ArrayDeque<Entry> dirs = new ArrayDeque<>();

    /**
     * @param out               where the archive goes; closed by {@link #close}
     * @param compression       applied to the tar stream
     * @param threads           cores the compressor may use
     * @param provenanceRecords PAX records describing the origin of a content whose provenance is
     *                          not clean (called before its bytes are written)
     */
    public static TarSink open(OutputStream out, Compression compression, int threads,
                               Function<Content, Map<String, byte[]>> provenanceRecords) throws IOException {
        return new TarSink(new FramedOutput(out, compression, threads), 0, provenanceRecords);
    }

    /**
     * Goes on with an archive a stopped run wrote tarBytes of (whole entries; out appends after
     * them, in a new compressed frame).
     */
    public static TarSink resume(OutputStream out, Compression compression, int threads, long tarBytes,
                                 Function<Content, Map<String, byte[]>> provenanceRecords) throws IOException {
        return new TarSink(new FramedOutput(out, compression, threads), tarBytes, provenanceRecords);
    }

    TarSink(OutputStream out, Function<Content, Map<String, byte[]>> provenanceRecords) {
        this(new FramedOutput(out, Compression.NONE, 1), 0, provenanceRecords);
    }

    private TarSink(FramedOutput out, long tarBytes, Function<Content, Map<String, byte[]>> provenanceRecords) {
        this.out = out;
        this.tar = new TarWriter(out, tarBytes);
        this.provenanceRecords = provenanceRecords;
        this.toTar = tar::write;
        this.current = toTar;
    }

    /**
     * Holds back files whose bytes a rescue in passes settles after the stream (see the class
     * comment), their bytes as first delivered kept in dir (a healthy disk) until then.
     */
    public TarSink holdPendingIn(Path dir) {
        held = new HeldEntries(dir);
        return this;
    }

    /**
     * Once s is requested, the compression in flight is given up rather than waited for (xz
     * takes seconds a block): whatever the sink is waiting on then (an entry's bytes, a
     * checkpoint's frame end, the finish) throws {@link Stop.Stopped}, no later checkpoint can be
     * marked, and a rescue map's last one stands (a resume cuts the file back to it). Call
     * before the first entry.
     */
    public TarSink stopWith(Stop s) {
        out.cancelWith(new Cancellation() {
            @Override public void check() throws Stop.Stopped { s.check(); }

            @Override public Subscription onCancel(Runnable wake) { return s.onRequest(wake)::close; }
        });
        return this;
    }

    // ---- checkpoints ----------------------------------------------------------------------------

    private String checkpointName;
    private PartialArchive file;
    /** Entries given; the number of the first one held back for a rescue in passes (-1: none). */
    private long given, firstHeld = -1;
    /**
     * Where the file stood when the first entry was held back (a frame ended there): what a
     * resume cuts it back to, since the entries complete stop there (those written after it are
     * made again). Null while none is held, or without a file.
     */
    private Output beforeFirstHeld;

    /**
     * Lets a rescue map checkpoint this archive, written into file under the name given (archive,
     * archive-copy): each {@link #mark} ends a compressed frame there, so a resume can cut the
     * file back to it and append.
     */
    public TarSink checkpointed(String name, PartialArchive file) {
        this.checkpointName = name;
        this.file = file;
        return this;
    }

    /**
     * Every entry given is written by the time accept returns, except those held back for a
     * rescue in passes (written at the end): the leading entries before the first held one.
     */
    @Override
    public long completed() { return firstHeld >= 0 ? firstHeld : given; }

    @Override
    public Mark mark() throws IOException {
        if (open != null) throw new IOException("the archive is inside an entry: no checkpoint here");
        tar.flush();
        out.endFrame();
        if (file == null) return new Mark(completed(), Map.of(), () -> { });
        PartialArchive f = file;
        Output at = beforeFirstHeld != null ? beforeFirstHeld : new Output(f.offset(), tar.bytesWritten());
        return new Mark(completed(), Map.of(checkpointName, at), f::sync);
    }

    @Override
    public void accept(Entry entry, Content content) throws IOException {
        if (content == null && heldAlong(entry)) {
            if (firstHeld < 0) firstHeld = given;
            given++;
            return;
        }
        SparseData sparse = content == null ? null : content.as(SparseData.class);
        begin(entry, content, sparse);
        Content.Chunks to = current;
        if (sparse != null) sparse.feedData((at, b, off, len) -> to.accept(b, off, len));
        else if (content != null) content.feed(to);
        end();
    }

    /**
     * The directories above a resumed stream's first entry: a held entry there goes into one of
     * them (or into a directory of the stream), which is written again after the held entries
     * as the stopped run wrote it.
     */
    @Override
    public void writtenAbove(Entry dir) { onPath(dir); }

    /**
     * Keeps the directory path of the stream; a hard link to a held entry is held with it.
     * Returns whether entry was held.
     */
    private boolean heldAlong(Entry entry) {
        if (entry.type() == EntryType.DIRECTORY) {
            onPath(entry);
            return false;
        }
        // nothing held (a healthy drive): no lookup, which cost a ByteBuffer and its hash per link
        if (held == null || entry.type() != EntryType.HARDLINK || held.isEmpty()) return false;
        HeldEntries.Held h = held.get(entry.linkTarget());
        if (h == null || h.written) return false;
        h.links.add(entry);
        heldParent(entry.path());
        return true;
    }

    private void onPath(Entry dir) {
        while (!dirs.isEmpty() && !isAncestor(dirs.peek().path(), dir.path())) dirs.pop();
        dirs.push(dir);
    }

    /** The directory entry path goes into, noted to be written again after the held entries. */
    private void heldParent(byte[] path) {
        int slash = path.length - 1;
        while (slash >= 0 && path[slash] != '/') slash--;
        byte[] parent = slash < 0 ? new byte[] {'.'} : Arrays.copyOf(path, slash);
        for (Entry d : dirs) {
            if (Arrays.equals(d.path(), parent)) {
                held.parent(d);
                return;
            }
        }
    }

    private static boolean isAncestor(byte[] dir, byte[] path) {
        if (dir.length == 1 && dir[0] == '.') return true;
        return path.length > dir.length && path[dir.length] == '/' && Arrays.equals(dir, 0, dir.length, path, 0, dir.length);
    }

    /**
     * Writes the header of entry (with provenance records when its content has them already);
     * a content with holes as a pax 1.0 sparse entry of its runs, its data runs to follow.
     */
    void begin(Entry entry, Content content, SparseData sparse) throws IOException {
        long seq = given++;
        open = entry;
        openContent = content;
        recordsInHeader = false;
        current = toTar;
        if (content != null && held != null && content.provenance().pending()) { // read ahead, damage left for later
            holding = held.hold(entry, sparse == null ? null : sparse.runs(), content.provenance());
            if (firstHeld < 0) {
                firstHeld = seq;
                if (file != null) { // a frame ends here, so a resume can cut the file back to this entry
                    tar.flush();
                    out.endFrame();
                    beforeFirstHeld = new Output(file.offset(), tar.bytesWritten());
                }
            }
            heldParent(entry.path());
            current = placed(holding);
            return;
        }
        if (content != null) {
            // The header goes out before the bytes: damage met while they stream is settled on the spot.
            Deferrable d = content.as(Deferrable.class);
            if (d != null) d.settleNow();
            Provenance p = content.provenance();
            if (!p.isClean()) {
                Map<String, byte[]> extra = new LinkedHashMap<>(entry.extra());
                extra.putAll(provenanceRecords.apply(content));
                entry = entry.withExtra(extra);
                recordsInHeader = true;
            }
        }
        if (sparse != null) tar.putSparseEntry(entry, sparse.runs());
        else tar.putEntry(entry);
    }

    /** Receives the current entry's bytes (for a tee that feeds disk and tar from one read). */
    Content.Chunks data() { return current; }

    /** A held entry's bytes, as a stream delivers them (a sparse file's data runs one after another), to their offsets. */
    private Content.Chunks placed(HeldEntries.Held h) {
        long[] r = h.runs != null ? h.runs : new long[] {0, h.entry.size()};
        return new Content.Chunks() {
            private int run;
            private long inRun;

            @Override
            public void accept(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    if (run >= r.length) throw new IllegalStateException("content of " + h.entry + " delivered more than its data");
                    long room = r[run + 1] - inRun;
                    if (room == 0) {
                        run += 2;
                        inRun = 0;
                        continue;
                    }
                    int n = (int) Math.min(len, room);
                    held.write(h, r[run] + inRun, b, off, n);
                    inRun += n;
                    off += n;
                    len -= n;
                }
            }
        };
    }

    /**
     * Closes the entry; when its content turned out not clean only while its bytes were written,
     * its provenance records follow as late records.
     */
    void end() throws IOException {
        if (holding != null) { // written once its bytes are settled
            holding = null;
            openContent = null;
            open = null;
            current = toTar;
            return;
        }
        tar.closeEntry();
        Content c = openContent;
        openContent = null;
        Entry e = open;
        open = null;
        if (c == null || recordsInHeader || c.provenance().isClean()) return;
        Map<String, byte[]> late = provenanceRecords.apply(c);
        if (!late.isEmpty()) tar.putLateRecords(e.path(), late);
    }

    /** Bytes of tar stream produced so far (before compression). */
    public long tarBytes() { return tar.bytesWritten(); }

    /** The held entry at path, open for its settled bytes; null when none is held there (or it was written). */
    @Override
    public PendingFile reopen(byte[] path, Stat scanned) {
        HeldEntries.Held h = held == null ? null : held.get(path);
        if (h == null || h.written) return null;
        return new PendingFile() {
            @Override public void read(long off, byte[] b, int from, int len) throws IOException { held.read(h, off, b, from, len); }
            @Override public void write(long off, byte[] b, int from, int len) throws IOException { held.write(h, off, b, from, len); }
            @Override public void complete(Provenance p) throws IOException { release(h, p); }
            @Override public void close() {}
        };
    }

    /** Writes a held entry, with provenance p in its header, then every hard link to it. */
    private void release(HeldEntries.Held h, Provenance p) throws IOException {
        if (h.written) return;
        h.written = true;
        Entry e = h.entry;
        Provenance fin = new Provenance(p.ranges(), p.damaged(), p.sha256(), false);
        if (!fin.isClean()) {
            Map<String, byte[]> extra = new LinkedHashMap<>(e.extra());
            extra.putAll(provenanceRecords.apply(new Settled(e.size(), fin)));
            e = e.withExtra(extra);
        }
        long[] r = h.runs != null ? h.runs : new long[] {0, e.size()};
        if (h.runs != null) tar.putSparseEntry(e, h.runs);
        else tar.putEntry(e);
        byte[] buf = new byte[(int) Math.min(1 << 20, Math.max(1, e.size()))];
        for (int i = 0; i < r.length; i += 2) {
            for (long off = r[i]; off < r[i] + r[i + 1]; ) {
                int n = (int) Math.min(buf.length, r[i] + r[i + 1] - off);
                held.read(h, off, buf, 0, n);
                tar.write(buf, 0, n);
                off += n;
            }
        }
        tar.closeEntry();
        for (Entry link : h.links) {
            tar.putEntry(link);
            tar.closeEntry();
        }
    }

    /** A held entry's settled bytes as the provenance records see them. */
    private record Settled(long size, Provenance provenance) implements Content {
        @Override public void feed(Chunks out) { throw new IllegalStateException("held bytes are written by the sink"); }
    }

    /**
     * Writes what is still held (its bytes as they were delivered, its damage as it stood) and
     * then the directories held entries went into again, so they come after them.
     */
    private void releaseHeld() throws IOException {
        if (held == null) return;
        try {
            for (HeldEntries.Held h : held.all()) if (!h.written) release(h, h.delivered);
            for (Entry d : held.parents()) {
                tar.putEntry(d);
                tar.closeEntry();
            }
        } finally {
            held.close();
        }
    }

    @Override
    public void finish() throws IOException {
        releaseHeld();
        tar.finish();
        finished = true;
        closed = true;
        out.close(); // completes the compressed stream
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        if (held != null) held.close();
        out.close(); // without tar.finish(): no end marker on an unfinished archive
    }

    boolean finished() { return finished; }
}
