package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.linkrescue.archive.Entry;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * The files the disk sink has created and handed to its data threads ({@link DataWriters}),
 * by path, until the sink settles what became of each: a hard link to one of them must wait,
 * since a file whose data fails is removed. Used by the sink's thread only.
 */
final class InFlightFiles implements AutoCloseable {
    /** What a data thread did with one file: made (written, with its stat) or why not. */
    record Written(SafePath path, Entry entry, long bytes, Stat made, String failure,
                   PosixException error, IOException contentError) {
        boolean ok() { return made != null; }
    }

    private final DataWriters<Written> writers;
    private final Set<ByteBuffer> paths = new HashSet<>();
    private final Set<ByteBuffer> reading = new HashSet<>();

    InFlightFiles(int threads, int perThread) {
        this.writers = new DataWriters<>(threads, perThread);
    }

    /** Runs job (the rest of path's file) on a data thread; waits while the threads are full. */
    void submit(SafePath path, Supplier<Written> job) throws InterruptedIOException {
        submit(path, job, false);
    }

    /**
     * As {@link #submit(SafePath, Supplier)}; readsAsItWrites: the job reads its bytes from the
     * source drive while it writes (a large file), so whether they were damaged is not known
     * until it ends.
     */
    void submit(SafePath path, Supplier<Written> job, boolean readsAsItWrites) throws InterruptedIOException {
        writers.submit(job, readsAsItWrites);
        ByteBuffer key = ByteBuffer.wrap(path.bytes());
        paths.add(key);
        if (readsAsItWrites) reading.add(key);
    }

    /** Whether some file in flight is still being read from the source drive. */
    boolean reading() { return !reading.isEmpty(); }

    /** Whether path's file is in flight and still being read from the source drive. */
    boolean reading(SafePath path) {
        return !reading.isEmpty() && reading.contains(ByteBuffer.wrap(path.bytes()));
    }

    /** Whether path's file is still in flight (handed over and not yet taken back by {@link #poll}). */
    boolean holds(SafePath path) {
        return !paths.isEmpty() && paths.contains(ByteBuffer.wrap(path.bytes()));
    }

    /** What became of the next finished file, or null when none has finished since the last poll. */
    Written poll() {
        Written w = writers.poll();
        if (w != null) {
            ByteBuffer key = ByteBuffer.wrap(w.path().bytes());
            paths.remove(key);
            reading.remove(key);
        }
        return w;
    }

    /** Waits until every file handed over is finished (what became of each waits in {@link #poll}). */
    void awaitIdle() throws InterruptedIOException { writers.awaitIdle(); }

    @Override
    public void close() { writers.close(); }
}
