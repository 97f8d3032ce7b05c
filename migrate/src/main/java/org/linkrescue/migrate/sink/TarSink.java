package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.TarWriter;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.SparseData;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.Provenance;

/**
 * Writes the entry stream as a tar archive (optionally compressed). A content whose provenance
 * is known before its bytes (read ahead, or rescued) and is not clean gets its provenance as
 * PAX records of our own namespace in the entry's header, so extract can tell which bytes were
 * spliced or lost. A content found damaged only while streaming (a file too large to read
 * ahead) cannot be marked in a header already written: its records follow its data as late
 * records ({@link TarWriter#putLateRecords}, a pax global header naming the entry), which
 * extract reports the same way.
 *
 * <p>The archive is complete only after {@link #finish}: closing without it leaves the end
 * marker out, so a run that died cannot pass for a whole archive.
 */
public final class TarSink implements EntrySink {
    private final OutputStream out;
    private final TarWriter tar;
    private final Function<Content, Map<String, byte[]>> provenanceRecords;
    private final Content.Chunks toTar;
    private boolean finished, closed;
    /** The FILE entry whose data is being written, and whether its header had the records. */
    private Entry open;
    private Content openContent;
    private boolean recordsInHeader;

    /**
     * @param out               where the archive goes; closed by {@link #close}
     * @param compression       applied to the tar stream
     * @param threads           cores the compressor may use
     * @param provenanceRecords PAX records describing the origin of a content whose provenance is
     *                          not clean (called before its bytes are written)
     */
    public static TarSink open(OutputStream out, Compression compression, int threads,
                               Function<Content, Map<String, byte[]>> provenanceRecords) throws IOException {
        return new TarSink(compression.compress(out, threads), provenanceRecords);
    }

    TarSink(OutputStream out, Function<Content, Map<String, byte[]>> provenanceRecords) {
        this.out = out;
        this.tar = new TarWriter(out);
        this.provenanceRecords = provenanceRecords;
        this.toTar = tar::write;
    }

    @Override
    public void accept(Entry entry, Content content) throws IOException {
        SparseData sparse = content == null ? null : content.as(SparseData.class);
        begin(entry, content, sparse);
        if (sparse != null) sparse.feedData((at, b, off, len) -> tar.write(b, off, len));
        else if (content != null) content.feed(toTar);
        end();
    }

    /**
     * Writes the header of entry (with provenance records when its content has them already);
     * a content with holes as a pax 1.0 sparse entry of its runs, its data runs to follow.
     */
    void begin(Entry entry, Content content, SparseData sparse) throws IOException {
        open = entry;
        openContent = content;
        recordsInHeader = false;
        if (content != null) {
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
    Content.Chunks data() { return toTar; }

    /**
     * Closes the entry; when its content turned out not clean only while its bytes were written,
     * its provenance records follow as late records.
     */
    void end() throws IOException {
        tar.closeEntry();
        Content c = openContent;
        openContent = null;
        if (c == null || recordsInHeader || c.provenance().isClean()) return;
        Map<String, byte[]> late = provenanceRecords.apply(c);
        if (!late.isEmpty()) tar.putLateRecords(open.path(), late);
    }

    /** Bytes of tar stream produced so far (before compression). */
    public long tarBytes() { return tar.bytesWritten(); }

    @Override
    public void finish() throws IOException {
        tar.finish();
        finished = true;
        closed = true;
        out.close(); // completes the compressed stream
    }

    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        out.close(); // without tar.finish(): no end marker on an unfinished archive
    }

    boolean finished() { return finished; }
}
