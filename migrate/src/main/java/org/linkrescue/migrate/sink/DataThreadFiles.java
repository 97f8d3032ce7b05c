package org.linkrescue.migrate.sink;

import java.io.IOException;
import org.linkrescue.archive.Entry;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Retainable;

/**
 * The disk sink's files written on its data threads ({@link DataWriters}, through
 * {@link InFlightFiles}): the sink creates a file and goes on with the next entries while a data
 * thread writes the bytes (already in memory, or read off the drive as they are written: a
 * large file a content lets go, {@link Retainable#retain}) and gives the file its metadata. What
 * became of each is settled back on the sink's thread ({@link #settle}), which owns every table
 * and counter: a written file becomes linkable and counts; a failed one is removed (a file
 * without all its bytes would be invented data) and reported. With no data threads everything
 * here is a no-op and the sink writes each file itself.
 */
final class DataThreadFiles implements AutoCloseable {
    /** Files in flight on the data threads: each holds a target descriptor. */
    private static final int DATA_IN_FLIGHT = 64;

    /** A file a data thread wrote and kept: linkable from now on. */
    interface Kept {
        void file(SafePath path, Stat made);
    }

    private final InFlightFiles inFlight; // null: no data threads
    /** Each data thread's copy buffer. */
    private final ThreadLocal<FileData> dataOfThread = ThreadLocal.withInitial(FileData::new);
    private final MetadataWriter meta;
    private final SinkFailures failures;
    private final MadeCounts counts;
    private final Kept kept;
    /** Walks to a failed file's directory to remove it; shared with the sink's thread. */
    private final DirCursor lookups;
    /** A content's own failure met on a data thread: the producer's, rethrown as it came. */
    private volatile IOException contentFailure;

    DataThreadFiles(int threads, MetadataWriter meta, SinkFailures failures, MadeCounts counts, DirCursor lookups, Kept kept) {
        this.inFlight = threads > 0 ? new InFlightFiles(threads, DATA_IN_FLIGHT) : null;
        this.meta = meta;
        this.failures = failures;
        this.counts = counts;
        this.lookups = lookups;
        this.kept = kept;
    }

    /** Whether c may go to a data thread: it can be retained, and there are data threads. */
    Retainable retainable(Content c) { return inFlight == null ? null : c.as(Retainable.class); }

    /**
     * Hands the rest of the file out (made, open, empty) to a data thread: its bytes from held,
     * then its metadata. Waits while the threads are full.
     */
    void submit(SafePath p, TargetFile out, Entry e, Content held, boolean readsAsItWrites) throws IOException {
        inFlight.submit(p, () -> write(out, p, e, held), readsAsItWrites);
    }

    /**
     * On a data thread: data, then owner, mode and times, then close. Touches no table or
     * counter: {@link #settle} does.
     */
    private InFlightFiles.Written write(TargetFile out, SafePath p, Entry e, Content c) {
        try (c) {
            if (failures.stopped() || contentFailure != null)
                return new InFlightFiles.Written(p, e, 0, null, "not written: the run stopped", null, null);
            long n;
            try {
                n = dataOfThread.get().write(out, c);
            } catch (FileData.SourceFailed s) {
                return new InFlightFiles.Written(p, e, 0, null, "not written: " + s.getMessage(), null, null);
            }
            if (n != e.size() || n != c.size())
                return new InFlightFiles.Written(p, e, 0, null, "not written: source delivered " + n + " of " + e.size() + " bytes", null, null);
            Stat st = meta.afterData(out.fd(), e);
            return new InFlightFiles.Written(p, e, n, st, null, null, null);
        } catch (FileData.ContentFailed x) {
            return new InFlightFiles.Written(p, e, 0, null, null, null, x.original());
        } catch (PosixException x) {
            return new InFlightFiles.Written(p, e, 0, null, null, x, null);
        } catch (IOException | RuntimeException x) {
            return new InFlightFiles.Written(p, e, 0, null, "not written: " + x, null, null);
        } finally {
            out.close();
        }
    }

    /**
     * Takes in what the data threads finished: a written file becomes linkable and counts; a
     * failed one is removed and reported.
     *
     * @throws TargetWriteException a data thread met a full or failing target
     * @throws IOException          a content failed (the producer's error, as it came)
     */
    void settle() throws IOException {
        if (inFlight == null) return;
        InFlightFiles.Written w;
        while ((w = inFlight.poll()) != null) {
            if (w.ok()) {
                kept.file(w.path(), w.made());
                counts.files++;
                counts.bytes += w.bytes();
                continue;
            }
            unlinkByPath(w.path());
            if (failures.stopped() || contentFailure != null) continue; // stopped already: said once
            if (w.contentError() != null) {
                contentFailure = w.contentError();
                throw contentFailure;
            }
            if (w.error() != null) failures.entryFailed(w.entry().path(), w.error());
            else failures.failed(w.entry().path(), w.failure());
        }
    }

    /** Waits for every file on the data threads and settles them. */
    void settleAll() throws IOException {
        if (inFlight == null) return;
        inFlight.awaitIdle();
        settle();
    }

    /** Whether some file in flight is still being read from the source drive. */
    boolean reading() { return inFlight != null && inFlight.reading(); }

    /** Whether path's file is in flight and still being read from the source drive. */
    boolean reading(SafePath path) { return inFlight != null && inFlight.reading(path); }

    /** Whether path's file is still in flight (handed over and not yet settled). */
    boolean holds(SafePath path) { return inFlight != null && inFlight.holds(path); }

    private void unlinkByPath(SafePath p) {
        try {
            DiskSink.unlinkQuietly(lookups.parentOf(p), p.lastName());
        } catch (IOException | Refused ignored) {
            // Its directory cannot be reached any more: the report already says the file failed.
        }
    }

    /**
     * Finishes the files in flight (their bytes are ready) and settles them, so a failed one is
     * still removed, then ends the data threads.
     */
    @Override
    public void close() {
        if (inFlight == null) return;
        try {
            inFlight.awaitIdle();
        } catch (IOException ignored) {
            Thread.currentThread().interrupt();
        }
        while (true) {
            try {
                settle();
                break;
            } catch (IOException ignored) {
                // The run is ending on a failure, reported once; the rest is only cleaned up.
            }
        }
        inFlight.close();
    }
}
