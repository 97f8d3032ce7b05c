package org.linkrescue.migrate.sink;

import java.io.IOException;
import org.linkrescue.archive.Entry;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Stop;

/**
 * One lane's files written on the data threads ({@link DataWriters}, shared by every lane): the
 * lane creates a file and goes on with the next entries while a data thread writes the bytes
 * (already in memory, or read off the drive as they are written: a large file a content lets go,
 * {@link org.linkrescue.migrate.stream.Retainable#retain}) and gives the file its metadata. A written file is published to the
 * link tables by the data thread itself ({@link LinkTargets}), so a link waiting for it in any
 * lane goes on at once; the rest is settled back on the lane's thread ({@link #settle}), which
 * owns its counters: a written file counts; a failed one is removed (a file without all its
 * bytes would be invented data) and reported. With no data threads everything here is a no-op
 * and the lane writes each file itself.
 */
final class DataThreadFiles implements AutoCloseable {
    /**
     * What a data thread did with one file: made (written, with its stat) or why not; stopped:
     * not written because the run was stopping (not complete, not a failure of its own).
     */
    record Written(SafePath path, Entry entry, long bytes, Stat made, String failure,
                   PosixException error, IOException contentError, boolean stopped) {
        boolean ok() { return made != null; }

        /** Whether the file ends as the stream wants it (written, or failed for a reason of its own and reported). */
        boolean complete() {
            return ok() || (!stopped && contentError == null
                    && (error == null || !TargetWriteException.isTargetFailure(error.errno())));
        }
    }

    private final DataWriters<Written>.Client writers; // null: no data threads
    /** Each data thread's copy buffer. */
    private static final ThreadLocal<FileData> DATA_OF_THREAD = ThreadLocal.withInitial(FileData::new);
    private final MetadataWriter meta;
    private final SinkFailures failures;
    private final MadeCounts counts;
    private final LinkTargets targets;
    /** Walks to a failed file's directory to remove it; the lane's. */
    private final DirCursor lookups;
    /** A content's own failure met on a data thread: the producer's, rethrown as it came. */
    private volatile IOException contentFailure;
    private final SinkProgress progress;
    private volatile Stop stop;

    /** A file not started once s is requested is not written (the run is stopping). */
    void stopWith(Stop s) { stop = s; }

    /** @param pool the data threads, or null: the lane writes every file itself */
    DataThreadFiles(DataWriters<Written> pool, MetadataWriter meta, SinkFailures failures, MadeCounts counts,
                    DirCursor lookups, LinkTargets targets, SinkProgress progress) {
        this.progress = progress;
        this.writers = pool == null ? null : pool.client();
        this.meta = meta;
        this.failures = failures;
        this.counts = counts;
        this.lookups = lookups;
        this.targets = targets;
    }

    /** Whether files may go to data threads at all. */
    boolean enabled() { return writers != null; }

    /**
     * Hands the rest of the file out (made, open, empty) to a data thread: its bytes from held,
     * then its metadata. Waits while the threads are full. seq: the entry's place in the stream.
     */
    void submit(SafePath p, long seq, TargetFile out, Entry e, Content held, boolean readsAsItWrites) throws IOException {
        targets.inFlight(p);
        progress.handedOver(seq);
        try {
            writers.submit(() -> write(out, p, seq, e, held), readsAsItWrites);
        } catch (IOException | RuntimeException x) {
            targets.landed(p);
            progress.landed(seq, false);
            throw x;
        }
    }

    /**
     * On a data thread: data, then owner, mode and times, then close; a file written and kept is
     * linkable from here on. Touches no counter: {@link #settle} does.
     */
    private Written write(TargetFile out, SafePath p, long seq, Entry e, Content c) {
        boolean complete = false;
        try {
            Written w = writeAndClose(out, p, e, c);
            if (w.ok()) targets.kept(p, w.made(), seq);
            else if (w.error() != null && TargetWriteException.isTargetFailure(w.error().errno()))
                failures.fatal(e.path(), w.error()); // every lane stops now, not at this lane's next settle
            complete = w.complete();
            return w;
        } finally {
            targets.landed(p);
            progress.landed(seq, complete);
        }
    }

    private Written writeAndClose(TargetFile out, SafePath p, Entry e, Content c) {
        try (c) {
            if (failures.stopped() || contentFailure != null || (stop != null && stop.requested()))
                return new Written(p, e, 0, null, "not written: the run stopped", null, null, true);
            long n;
            try {
                n = DATA_OF_THREAD.get().write(out, c);
            } catch (FileData.SourceFailed s) {
                return new Written(p, e, 0, null, "not written: " + s.getMessage(), null, null, false);
            }
            if (n != e.size() || n != c.size())
                return new Written(p, e, 0, null, "not written: source delivered " + n + " of " + e.size() + " bytes", null, null, false);
            Stat st = meta.afterData(out.fd(), e);
            return new Written(p, e, n, st, null, null, null, false);
        } catch (FileData.ContentFailed x) {
            return new Written(p, e, 0, null, null, null, x.original(), false);
        } catch (PosixException x) {
            return new Written(p, e, 0, null, null, x, null, false);
        } catch (IOException | RuntimeException x) {
            return new Written(p, e, 0, null, "not written: " + x, null, null, false);
        } finally {
            out.close();
        }
    }

    /**
     * Takes in what the data threads finished: a written file counts; a failed one is removed
     * and reported.
     *
     * @throws TargetWriteException a data thread met a full or failing target
     * @throws IOException          a content failed (the producer's error, as it came)
     */
    void settle() throws IOException {
        if (writers == null) return;
        drain();
        failures.check(); // a data thread's target failure (reported there), also met by a file that waited
    }

    /** Settles each result polled; throws at most once per kind of stop (then it is said). */
    private void drain() throws IOException {
        Written w;
        while ((w = writers.poll()) != null) {
            if (w.ok()) {
                counts.files++;
                counts.bytes += w.bytes();
                continue;
            }
            unlinkByPath(w.path());
            if (w.stopped() || failures.stopped() || contentFailure != null) continue; // stopped already: said once
            if (w.contentError() != null) {
                contentFailure = w.contentError();
                throw contentFailure;
            }
            if (w.error() != null) failures.entryFailed(w.entry().path(), w.error());
            else failures.failed(w.entry().path(), w.failure());
        }
    }

    /** Waits for every file this lane gave the data threads and settles them. */
    void settleAll() throws IOException {
        if (writers == null) return;
        writers.awaitIdle();
        settle();
    }

    private void unlinkByPath(SafePath p) {
        try {
            EntryWriter.unlinkQuietly(lookups.parentOf(p), p.lastName());
        } catch (IOException | Refused ignored) {
            // Its directory cannot be reached any more: the report already says the file failed.
        }
    }

    /**
     * Finishes this lane's files in flight (their bytes are ready) and settles them, so a failed
     * one is still removed. The data threads themselves are the sink's to end.
     */
    @Override
    public void close() {
        if (writers == null) return;
        try {
            writers.awaitIdle();
        } catch (IOException ignored) {
            Thread.currentThread().interrupt();
        }
        while (true) {
            try {
                drain();
                break;
            } catch (IOException ignored) {
                // The run is ending on a failure, reported once; the rest is only cleaned up.
            }
        }
    }
}
