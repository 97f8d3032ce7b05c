package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import org.linkrescue.archive.TarReader;
import org.linkrescue.archive.TarFormatException;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.SparseData;
import org.linkrescue.migrate.stream.Stop;

/**
 * The data of the tar entry the reader is on. An archive that ends inside the data is not
 * padded with invented bytes: the reader's {@link TarFormatException} ends the run. A sparse
 * entry (any GNU form) offers its data runs alone ({@link SparseData}), so its holes stay holes.
 */
final class TarEntryContent implements Content, SparseData {
    private final TarReader reader;
    private final long size;
    private final Provenance provenance;
    private final byte[] buffer;
    private final Stop stop;

    /** @param stop checked before each buffer of a large entry, or null */
    TarEntryContent(TarReader reader, long size, Provenance provenance, byte[] buffer, Stop stop) {
        this.reader = reader;
        this.size = size;
        this.provenance = provenance;
        this.buffer = buffer;
        this.stop = stop;
    }

    @Override public long size() { return size; }
    @Override public Provenance provenance() { return provenance; }

    /** A sparse entry has its data runs to offer; a plain one none. */
    @Override
    public <A> A as(Class<A> ability) {
        if (ability == SparseData.class && !reader.isSparse()) return null;
        return Content.super.as(ability);
    }

    @Override public long[] runs() { return reader.sparseRuns(); }

    @Override
    public void feedData(DataChunks out) throws IOException {
        long at = reader.skipHole();
        while (at < size) {
            if (stop != null) stop.check();
            int n = reader.read(buffer, 0, (int) Math.min(buffer.length, size - at));
            if (n < 0) throw new TarFormatException("archive entry ended " + (size - at) + " bytes early");
            out.accept(at, buffer, 0, n);
            at = reader.skipHole();
        }
    }

    @Override
    public void feed(Chunks out) throws IOException {
        long left = size;
        while (left > 0) {
            if (stop != null) stop.check();
            int n = reader.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) throw new TarFormatException("archive entry ended " + left + " bytes early");
            out.accept(buffer, 0, n);
            left -= n;
        }
    }
}
