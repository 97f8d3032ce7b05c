package org.linkrescue.migrate.stream;

import java.io.IOException;
import org.linkrescue.archive.Entry;

/**
 * Where entries go: a tree on disk, a tar stream, or both. Entries arrive in stream order;
 * a HARDLINK entry always names a path that arrived earlier as FILE.
 */
public interface EntrySink extends AutoCloseable {
    /** Consumes one entry; content is non-null exactly for FILE entries and is consumed here. */
    void accept(Entry entry, Content content) throws IOException;

    /**
     * A resumed stream: a directory entry the stopped run wrote already, on the way down to
     * where this stream goes on (the root first, then each directory below it to the resume
     * point, the point itself when it is one), before any entry of the stream. It is not to be
     * written again here; a sink that writes directories again after entries it held back (a
     * tar sink, see {@code TarSink}) needs those above the resume point as the stopped run
     * wrote them. By default nothing.
     */
    default void writtenAbove(Entry dir) throws IOException {}

    /** Completes the output (deferred directory metadata, tar end blocks). */
    void finish() throws IOException;

    @Override void close() throws IOException;
}
