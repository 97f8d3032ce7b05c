package org.linkrescue.migrate.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.stream.Json;
import org.linkrescue.migrate.stream.Problems;

/**
 * Counts what a verification finds, keeps the first few examples of each kind for the summary,
 * and streams every finding into the JSON report's "findings" array as it comes, so memory does
 * not grow with the number of differences. Problems (paths that could not be read) are passed
 * on to the run's problem log and recorded as findings of kind "error".
 */
public final class FindingLog implements Findings {
    /** Unverifiable ranges of one path. */
    public record Unverifiable(byte[] path, List<ByteRange> ranges, String why) {}

    private final int examples;
    private final Json json;
    private final Map<DiffKind, Long> counts = new EnumMap<>(DiffKind.class);
    private final Map<DiffKind, List<Difference>> firsts = new EnumMap<>(DiffKind.class);
    private final List<Unverifiable> firstUnverifiable = new ArrayList<>();
    private final List<String> firstErrors = new ArrayList<>();
    private long unverifiablePaths, unverifiableBytes, errors;

    /**
     * @param examples how many examples of each kind to keep for the summary
     * @param json     where to stream findings (inside an array the caller has opened), or null
     */
    public FindingLog(int examples, Json json) {
        this.examples = examples;
        this.json = json;
    }

    @Override
    public void difference(Difference d) {
        counts.merge(d.kind(), 1L, Long::sum);
        List<Difference> l = firsts.computeIfAbsent(d.kind(), k -> new ArrayList<>());
        if (l.size() < examples) l.add(d);
        if (json != null) write(() -> json.beginObject().field("kind", d.kind().word()).pathField("path", d.path())
                .field("detail", d.detail()).endObject());
    }

    @Override
    public void unverifiable(byte[] path, List<ByteRange> ranges, String why) {
        unverifiablePaths++;
        for (ByteRange r : ranges) unverifiableBytes += r.length();
        if (firstUnverifiable.size() < examples) firstUnverifiable.add(new Unverifiable(path.clone(), List.copyOf(ranges), why));
        if (json != null) write(() -> {
            json.beginObject().field("kind", "unverifiable").pathField("path", path);
            json.name("ranges").beginArray();
            for (ByteRange r : ranges) json.value(r.toString());
            json.endArray().field("detail", why).endObject();
        });
    }

    /** A Problems that records each FAILED/FATAL problem here as an "error" finding, then passes it on. */
    public Problems errorsTo(Problems next) {
        return (grade, path, what) -> {
            if (grade != Problems.Grade.WARN) {
                errors++;
                String line = (path == null ? "" : Names.display(path) + ": ") + what;
                if (firstErrors.size() < examples) firstErrors.add(line);
                if (json != null) write(() -> json.beginObject().field("kind", "error").pathField("path", path)
                        .field("detail", what).endObject());
            }
            next.report(grade, path, what);
        };
    }

    public long differences() {
        long n = 0;
        for (long c : counts.values()) n += c;
        return n;
    }

    public long count(DiffKind k) { return counts.getOrDefault(k, 0L); }
    public List<Difference> examples(DiffKind k) { return firsts.getOrDefault(k, List.of()); }
    public long unverifiablePaths() { return unverifiablePaths; }
    public long unverifiableBytes() { return unverifiableBytes; }
    public List<Unverifiable> unverifiableExamples() { return firstUnverifiable; }
    public long errors() { return errors; }
    public List<String> errorExamples() { return firstErrors; }

    private interface JsonWrite { void run() throws IOException; }

    private static void write(JsonWrite w) {
        try {
            w.run();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the JSON report: " + e.getMessage(), e);
        }
    }
}
