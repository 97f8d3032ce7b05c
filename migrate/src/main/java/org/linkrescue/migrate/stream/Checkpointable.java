package org.linkrescue.migrate.stream;

import java.io.IOException;
import java.util.Map;

/**
 * A sink whose progress a rescue map can checkpoint: it says how many of the entries it was
 * given are complete (bytes and metadata written), and brings its outputs to a point a resumed
 * run can continue from. Called on the sink's thread, between entries.
 */
public interface Checkpointable {
    /** Leading entries accepted in this run whose every byte and metadata are written (not yet durable). */
    long completed();

    /**
     * Waits for what is in flight to end (a stopping run: it ends soon) so that
     * {@link #completed} counts all that will ever complete.
     */
    default void quiesce() {}

    /**
     * Brings the outputs to a point a resume can continue from (an archive ends its compressed
     * frame there) and says what it is; its sync, run on any thread, makes it durable.
     */
    Mark mark() throws IOException;

    /** An archive output at a checkpoint: bytes of the file to keep, bytes of tar stream in them. */
    record Output(long offset, long tarBytes) {}

    /** Makes a mark durable. */
    @FunctionalInterface
    interface Sync {
        void run() throws IOException;
    }

    /**
     * @param completed leading entries of this run the point includes
     * @param outputs   archive outputs by name ("archive", "archive-copy"), none for a tree
     * @param sync      makes every one of them durable
     */
    record Mark(long completed, Map<String, Output> outputs, Sync sync) {}
}
