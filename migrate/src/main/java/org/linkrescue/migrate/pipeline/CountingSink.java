package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import java.util.ArrayDeque;
import org.linkrescue.archive.Entry;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.PendingFiles;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Retainable;

/**
 * Counts what the sink took, for totals, progress and the exit code (damaged contents). A
 * content the sink still writes on a thread of its own (not {@link Retainable#settled()}) counts
 * its bytes and its damage once that ends: it is looked at again after each later entry, and
 * at the latest once the sink has finished. A content a rescue in passes left pending counts its
 * damage when its bytes are final ({@link PendingFiles.PendingFile#complete}), not the zeros it
 * was delivered with.
 */
final class CountingSink implements EntrySink, PendingFiles {
    private final EntrySink sink;
    private final RunTotals totals;
    /** In the order taken; a few at a time: the sink's data threads hold that many files at most. */
    private final ArrayDeque<Content> unsettled = new ArrayDeque<>();

    CountingSink(EntrySink sink, RunTotals totals) {
        this.sink = sink;
        this.totals = totals;
    }

    @Override
    public void accept(Entry entry, Content content) throws IOException {
        sink.accept(entry, content);
        totals.count(entry);
        if (content != null) {
            if (Retainable.settled(content)) countContent(content);
            else unsettled.add(content);
        }
        while (!unsettled.isEmpty() && Retainable.settled(unsettled.peek())) countContent(unsettled.poll());
    }

    /** Counted by the stopped run. */
    @Override
    public void writtenAbove(Entry dir) throws IOException { sink.writtenAbove(dir); }

    private void countContent(Content c) {
        totals.addBytes(c.size());
        Provenance p = c.provenance();
        totals.inodeRead(p.damaged() && !p.pending());
    }

    /** The sink's pending file (when it takes late bytes), its final damage counted. */
    @Override
    public PendingFile reopen(byte[] path, Stat scanned) throws IOException {
        PendingFile f = sink instanceof PendingFiles files ? files.reopen(path, scanned) : null;
        if (f == null) return null;
        return new PendingFile() {
            @Override public void read(long off, byte[] b, int from, int len) throws IOException { f.read(off, b, from, len); }
            @Override public void write(long off, byte[] b, int from, int len) throws IOException { f.write(off, b, from, len); }
            @Override public void close() throws IOException { f.close(); }

            @Override
            public void complete(Provenance p) throws IOException {
                f.complete(p);
                if (p.damaged()) totals.damagedAfterRead();
            }
        };
    }

    @Override
    public void finish() throws IOException {
        sink.finish(); // every data thread is done after this
        while (!unsettled.isEmpty()) countContent(unsettled.poll());
    }

    @Override public void close() throws IOException { sink.close(); }
}
