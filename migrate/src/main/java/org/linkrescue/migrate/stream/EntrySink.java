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

    /** Completes the output (deferred directory metadata, tar end blocks). */
    void finish() throws IOException;

    @Override void close() throws IOException;
}
