package org.linkrescue.migrate.stream;

import java.io.IOException;
import org.linkrescue.migrate.fs.Stat;

/**
 * A sink ability: it takes the final bytes of files it was given with a {@link Provenance#pending}
 * provenance (a rescue in passes left ranges of them to read or splice after the stream), once
 * every entry has been accepted and before it is finished. A disk sink writes them into the file
 * it made, in place (every hard link sees them); a tar sink held such entries back and writes
 * them, with their links, at the end of the archive.
 */
public interface PendingFiles {
    /**
     * The file made (or held) for the FILE entry at path, open for its late bytes; null when
     * there is none (the entry was refused, or written as it was).
     *
     * @param scanned the lstat the entry was made from: its mtime is the one the file is let go
     *                with (the file's own may be a write's, by a run killed while it wrote)
     */
    PendingFile reopen(byte[] path, Stat scanned) throws IOException;

    /** One pending file, open. Not thread-safe. */
    interface PendingFile extends AutoCloseable {
        /** Reads exactly len bytes at off: what the sink holds there (the bytes delivered, and any written since). */
        void read(long off, byte[] b, int from, int len) throws IOException;

        /** Writes len bytes at off, over what was delivered there. */
        void write(long off, byte[] b, int from, int len) throws IOException;

        /**
         * The file's bytes are final and provenance says where each came from: a held entry is
         * written now. Called at most once, before {@link #close}.
         */
        void complete(Provenance provenance) throws IOException;

        /** Lets the file go, with what writing changed (mode, capabilities) as it was, and the entry's mtime. */
        @Override void close() throws IOException;
    }
}
