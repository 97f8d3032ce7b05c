package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import org.linkrescue.archive.Entry;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.EntrySink;

/** Counts what the sink took, for totals, progress and the exit code (damaged contents). */
final class CountingSink implements EntrySink {
    private final EntrySink sink;
    private final RunTotals totals;

    CountingSink(EntrySink sink, RunTotals totals) {
        this.sink = sink;
        this.totals = totals;
    }

    @Override
    public void accept(Entry entry, Content content) throws IOException {
        sink.accept(entry, content);
        totals.count(entry);
        if (content != null) {
            totals.addBytes(content.size());
            totals.inodeRead(content.provenance().damaged());
        }
    }

    @Override public void finish() throws IOException { sink.finish(); }
    @Override public void close() throws IOException { sink.close(); }
}
