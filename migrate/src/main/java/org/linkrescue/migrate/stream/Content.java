package org.linkrescue.migrate.stream;

import java.io.Closeable;
import java.io.IOException;

/**
 * The data of one FILE entry, produced once and consumed once. A content always delivers
 * exactly {@link #size()} bytes, whatever happened while reading: the tar header announced the
 * size before the data, so the stream must stay valid. What was damaged is described by
 * {@link #provenance()} once {@link #feed} has returned.
 */
public interface Content extends Closeable {
    long size();

    /** Delivers the bytes in order, exactly size() in all, then returns. Call at most once. */
    void feed(Chunks out) throws IOException;

    /**
     * A descriptor positioned nowhere in particular from which bytes [0, size) may be copied
     * kernel-side as they are (an undamaged source file), or -1 when the bytes must be fed. A
     * sink that copies from it must not call {@link #feed}, and must call {@link #copied} after.
     */
    default int plainFd() { return -1; }

    /** Tells a content whose plainFd was used that its bytes were consumed. */
    default void copied() throws IOException {}

    /** Where each byte range came from; valid once the bytes have been consumed. */
    Provenance provenance();

    @Override default void close() throws IOException {}

    /** Receives a content's bytes. The array is only valid during the call. */
    @FunctionalInterface
    interface Chunks {
        void accept(byte[] buf, int off, int len) throws IOException;
    }
}
