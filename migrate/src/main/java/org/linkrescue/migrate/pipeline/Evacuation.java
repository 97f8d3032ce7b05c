package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.stream.ContentSource;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.Problems;

/**
 * archive and migrate: scan -> link table -> content -> sink, in one pass. The scan (with the
 * opening, and for a sink that consumes bytes, the reading of small files) runs on the calling
 * thread; the sink runs on its own thread behind a bounded queue.
 */
public final class Evacuation {
    /**
     * How the sink consumes file data, which decides whether reading ahead into memory pays.
     */
    public enum SinkKind {
        /** Copies kernel-side from the source descriptor when it can (migrate to disk). */
        COPIES_FROM_DESCRIPTOR,
        /** Takes the bytes (a tar stream, or disk and tar at once). */
        CONSUMES_BYTES
    }

    /**
     * Tuning, with the reason for each default.
     *
     * @param depth      entries in flight: deep enough to hide open/lstat latency, small enough
     *                   to stay far below the descriptor limit (1024 by default)
     * @param ringBytes  pre-read memory: 32 MiB holds hundreds of typical small files
     * @param preReadMax files up to 1 MiB are read ahead; bigger ones stream from their descriptor
     */
    public record Tuning(int depth, int ringBytes, long preReadMax) {
        public static final Tuning DEFAULT = new Tuning(256, 32 << 20, 1 << 20);
    }

    private final ContentSource source;
    private final Problems problems;
    private final RunTotals totals;
    private final Tuning tuning;
    private SourceStream.LaterPaths laterPaths;

    public Evacuation(ContentSource source, Problems problems, RunTotals totals, Tuning tuning) {
        this.source = source;
        this.problems = problems;
        this.totals = totals;
        this.tuning = tuning;
    }

    /** Tells a listener (the rescue report) of every later path of a hard-linked inode. */
    public Evacuation onLaterPath(LaterPathListener l) {
        this.laterPaths = l::laterPath;
        return this;
    }

    public interface LaterPathListener {
        void laterPath(long dev, long ino, byte[] path);
    }

    /**
     * Streams the tree at sourceRoot into sink and finishes it. The sink is closed either way.
     *
     * @throws IOException the source root cannot be walked, or the sink failed fatally
     */
    public void run(byte[] sourceRoot, EntrySink sink, SinkKind kind) throws IOException {
        int ring = kind == SinkKind.CONSUMES_BYTES ? tuning.ringBytes() : 0;
        try (ReadAhead ahead = new ReadAhead(new CountingSink(sink, totals), tuning.depth(), ring, tuning.preReadMax())) {
            new TreeScanner(problems).walk(sourceRoot, new SourceStream(source, ahead, problems, laterPaths));
            ahead.finish();
        } finally {
            totals.stop();
        }
    }
}
