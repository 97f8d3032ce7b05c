package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import org.linkrescue.archive.TarReader;
import org.linkrescue.archive.TarFormatException;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/**
 * The data of the tar entry the reader is on. An archive that ends inside the data is not
 * padded with invented bytes: the reader's {@link TarFormatException} ends the run.
 */
final class TarEntryContent implements Content {
    private final TarReader reader;
    private final long size;
    private final Provenance provenance;
    private final byte[] buffer;

    TarEntryContent(TarReader reader, long size, Provenance provenance, byte[] buffer) {
        this.reader = reader;
        this.size = size;
        this.provenance = provenance;
        this.buffer = buffer;
    }

    @Override public long size() { return size; }
    @Override public Provenance provenance() { return provenance; }

    @Override
    public void feed(Chunks out) throws IOException {
        long left = size;
        while (left > 0) {
            int n = reader.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) throw new TarFormatException("archive entry ended " + left + " bytes early");
            out.accept(buffer, 0, n);
            left -= n;
        }
    }
}
