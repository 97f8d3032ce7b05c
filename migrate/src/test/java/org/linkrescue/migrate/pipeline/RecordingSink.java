package org.linkrescue.migrate.pipeline;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.EntrySink;

/** Keeps what it is given: "TYPE path [-> target] [=data]" per entry. */
class RecordingSink implements EntrySink {
    final List<String> lines = new ArrayList<>();
    final List<Entry> entries = new ArrayList<>();
    int failAt = -1;
    boolean finished, closed;
    String threadName;

    @Override
    public void accept(Entry e, Content c) throws IOException {
        threadName = Thread.currentThread().getName();
        if (entries.size() == failAt) throw new IOException("target full (simulated)");
        entries.add(e);
        String line = e.type() + " " + Names.latin1(e.path());
        if (e.linkTarget().length > 0) line += " -> " + Names.latin1(e.linkTarget());
        if (c != null) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            c.feed(b::write);
            if (b.size() != c.size()) throw new IOException("content delivered " + b.size() + " of " + c.size());
            line += " =" + b.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        lines.add(line);
    }

    @Override public void finish() { finished = true; }
    @Override public void close() { closed = true; }
}
