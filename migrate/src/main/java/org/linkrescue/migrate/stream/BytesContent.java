package org.linkrescue.migrate.stream;

import java.io.IOException;

/**
 * Content held in memory: small fixtures for tests, and file data that is already in hand (a
 * demo tree). Feeds in chunks of at most {@code chunk} bytes, so a sink sees the same sequence
 * of calls a streamed content makes.
 */
public final class BytesContent implements Content {
    private final byte[] bytes;
    private final int chunk;
    private boolean fed;

    public BytesContent(byte[] bytes) {
        this(bytes, 64 * 1024);
    }

    public BytesContent(byte[] bytes, int chunk) {
        if (chunk < 1) throw new IllegalArgumentException("chunk " + chunk);
        this.bytes = bytes;
        this.chunk = chunk;
    }

    @Override public long size() { return bytes.length; }

    @Override
    public void feed(Chunks out) throws IOException {
        if (fed) throw new IllegalStateException("content of " + bytes.length + " bytes fed twice");
        fed = true;
        for (int off = 0; off < bytes.length; off += chunk) {
            out.accept(bytes, off, Math.min(chunk, bytes.length - off));
        }
    }

    /** Whether {@link #feed} ran (a sink that refuses an entry must still consume its data). */
    public boolean wasFed() { return fed; }

    @Override public Provenance provenance() { return Provenance.CLEAN; }
}
