package org.linkrescue.migrate.stream;

import java.io.Closeable;
import java.io.IOException;

/**
 * The data of one FILE entry, produced once and consumed once. A content always delivers
 * exactly {@link #size()} bytes, whatever happened while reading: the tar header announced the
 * size before the data, so the stream must stay valid. What was damaged is described by
 * {@link #provenance()} once {@link #feed} has returned.
 *
 * <p>That is all every content does. Some can do more, each ability an interface of its own
 * that a sink asks for with {@link #as}: {@link PlainRange} (its bytes lie as they are in a
 * plain file, for a kernel-side copy), {@link DirectCopy} (it hands its leading bytes over from
 * native memory, or writes them into the target itself), {@link Retainable} (a sink may write
 * it on a thread of its own, after accept returns), {@link SparseData} (it has holes: its data
 * runs alone, each at its offset).
 */
public interface Content extends Closeable {
    long size();

    /** Delivers the bytes in order, exactly size() in all, then returns. Call at most once. */
    void feed(Chunks out) throws IOException;

    /** Where each byte range came from, and the SHA-256 of a rescued file; valid once the bytes have been consumed. */
    Provenance provenance();

    @Override default void close() throws IOException {}

    /**
     * This content's ability of the given kind, or null when it has none (or not now: a source
     * file that changed size since the scan is no plain range any more). By default, whichever
     * of the ability interfaces this content implements.
     */
    default <A> A as(Class<A> ability) {
        return ability.isInstance(this) ? ability.cast(this) : null;
    }

    /** Receives a content's bytes. The array is only valid during the call. */
    @FunctionalInterface
    interface Chunks {
        void accept(byte[] buf, int off, int len) throws IOException;
    }
}
