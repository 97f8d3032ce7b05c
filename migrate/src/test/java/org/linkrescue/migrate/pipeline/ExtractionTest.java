package org.linkrescue.migrate.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.TarFormatException;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.rescue.ProvenancePax;
import org.linkrescue.migrate.sink.TarSink;
import org.linkrescue.migrate.stream.BytesContent;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Provenance;

class ExtractionTest {
    final List<String> problems = new ArrayList<>();
    final Problems log = (g, p, w) -> problems.add(g + " " + w);

    static Entry entry(String path, EntryType t, long size, String target, Map<String, byte[]> extra) {
        return new Entry(Names.bytes(path), t, 0644, 0, 0, null, null, size, 1, 0, target == null ? null : Names.bytes(target), 0, 0, extra);
    }

    private static byte[] archive(Compression c) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarSink t = TarSink.open(out, c, 2, p -> Map.of())) {
            t.accept(entry("a", EntryType.FILE, 3, null, Map.of("LINKRESCUE.damaged", Names.bytes("1"))),
                    new BytesContent(Names.bytes("abc")));
            t.accept(entry("b", EntryType.HARDLINK, 0, "a", null), null);
            t.finish();
        }
        return out.toByteArray();
    }

    @Test
    void t01_everyCompressionIsDetectedAndTheMarkedEntryIsTold() throws IOException {
        for (Compression c : Compression.values()) {
            RecordingSink sink = new RecordingSink();
            List<String> marked = new ArrayList<>();
            RunTotals totals = new RunTotals();
            new Extraction(log, totals, extra -> extra.containsKey("LINKRESCUE.damaged")
                    ? new Provenance(List.of(), true) : Provenance.CLEAN)
                    .run(new ByteArrayInputStream(archive(c)), sink, (path, p) -> marked.add(Names.latin1(path)));
            assertEquals(List.of("FILE a =abc", "HARDLINK b -> a"), sink.lines, c.name());
            assertEquals(List.of("a"), marked);
            assertEquals(1, totals.damagedInodes());
            assertTrue(sink.finished);
        }
    }

    @Test
    void t01b_lateRecordsAfterAnEntrysDataAreToldLikeInHeaderOnes_andCountAsDamaged() throws IOException {
        Provenance late = new Provenance(List.of(new Provenance.Range(0, 2, "source"), new Provenance.Range(2, 1, "zero")), true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarSink t = TarSink.open(out, Compression.NONE, 1, c -> ProvenancePax.records(c.provenance().withSha256("ab12")))) {
            t.accept(entry("big\u00ff\n", EntryType.FILE, 3, null, null), new Content() {
                Provenance p = Provenance.CLEAN; // known only once the bytes are written
                @Override public long size() { return 3; }
                @Override public void feed(Chunks c) throws IOException { c.accept(Names.bytes("ab\0"), 0, 3); p = late; }
                @Override public Provenance provenance() { return p; }
            });
            t.accept(entry("after", EntryType.FILE, 1, null, null), new BytesContent(Names.bytes("z")));
            t.finish();
        }
        RecordingSink sink = new RecordingSink();
        List<String> marked = new ArrayList<>();
        RunTotals totals = new RunTotals();
        new Extraction(log, totals, ProvenancePax::parse).run(new ByteArrayInputStream(out.toByteArray()), sink,
                (path, p) -> marked.add(Names.latin1(path) + " " + p));
        assertEquals(List.of("big\u00ff\n " + late), marked);
        assertEquals(List.of("FILE big\u00ff\n =ab\0", "FILE after =z"), sink.lines);
        assertEquals(1, totals.damagedInodes());
        assertEquals(List.of(), problems);
    }

    @Test
    void t02_aTruncatedArchiveEndsTheRunWithTheReadersMessage() throws IOException {
        byte[] whole = archive(Compression.NONE);
        byte[] cut = java.util.Arrays.copyOf(whole, 700);
        RecordingSink sink = new RecordingSink();
        assertThrows(TarFormatException.class, () -> new Extraction(log, new RunTotals(), x -> Provenance.CLEAN)
                .run(new ByteArrayInputStream(cut), sink, null));
        assertTrue(sink.closed);
        assertFalse(sink.finished);
    }

    @Test
    void t03_anEntryTooLargeToReadAheadIsConsumedBeforeTheNextHeaderIsRead() throws IOException {
        byte[] big = new byte[(16 << 20) + 5];
        new java.util.Random(3).nextBytes(big);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarSink t = TarSink.open(out, Compression.NONE, 1, p -> Map.of())) {
            t.accept(entry("big", EntryType.FILE, big.length, null, null), new BytesContent(big));
            t.accept(entry("small", EntryType.FILE, 2, null, null), new BytesContent(Names.bytes("ok")));
            t.finish();
        }
        RecordingSink sink = new RecordingSink();
        new Extraction(log, new RunTotals(), x -> Provenance.CLEAN).run(new ByteArrayInputStream(out.toByteArray()), sink, null);
        assertEquals(2, sink.lines.size());
        assertEquals("FILE big =" + Names.latin1(big), sink.lines.get(0));
        assertEquals("FILE small =ok", sink.lines.get(1));
    }
}
