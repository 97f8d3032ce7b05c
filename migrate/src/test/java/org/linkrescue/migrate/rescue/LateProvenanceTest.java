package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.migrate.rescue.RescueFixture.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.TarReader;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.pipeline.Extraction;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.sink.DiskSink;
import org.linkrescue.migrate.sink.TarSink;
import org.linkrescue.migrate.sink.TeeSink;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Provenance.Range;

/**
 * A file too large to read ahead streams after its header; when it turns out damaged while it
 * streams, its provenance follows its data as late records, and extract reports it exactly as
 * it reports provenance from a header. Through the fault seam, with the read-ahead limit lowered
 * to 64 KiB so the files stay small.
 */
class LateProvenanceTest {
    static final int KiB = 1024;
    /** Pre-read limit of these runs: "big" files are the ones above it. */
    static final Evacuation.Tuning TUNING = new Evacuation.Tuning(16, 1 << 20, 64 * KiB, 2);

    @TempDir Path tmp;
    final RescueFixture fx = new RescueFixture();
    final FaultyDrive drive = new FaultyDrive();
    final List<RescueContentSource> sources = new ArrayList<>();
    byte[] big, spliced, small;

    Path src() { return tmp.resolve("src"); }
    Path mirror() { return tmp.resolve("mirror"); }

    @AfterEach void close() { sources.forEach(RescueContentSource::close); }

    /** big: no copy anywhere; spliced: a mirror copy; small: read ahead (its header has the records). */
    void tree() throws IOException {
        big = bytes(300 * KiB, 1);
        spliced = bytes(200 * KiB, 2);
        small = bytes(40 * KiB, 3);
        file(src().resolve("2024-01/big\u00ff\nname"), big);
        Files.createLink(src().resolve("2024-01/zz-link"), src().resolve("2024-01/big\u00ff\nname"));
        file(src().resolve("2024-01/spliced"), spliced);
        file(mirror().resolve("2024-01/spliced"), spliced);
        file(src().resolve("2024-01/small"), small);
        file(src().resolve("2024-01/z-clean"), bytes(100 * KiB, 4));
        drive.eio("big\u00ff\nname", 150 * KiB, 150 * KiB + 1).eio("spliced", 70 * KiB, 70 * KiB + 1).eio("small", 0, 1);
    }

    /** One archive run (or, with disk set, migrate --archive-copy) over the faulty drive. */
    byte[] archive(Path disk) throws IOException {
        RescueContentSource source = new RescueContentSource(RescueOptions.defaults().withSpoolDir(tmp)
                .withAlternates(List.of(Alternate.parse("mirror=" + mirror()))), fx.policy, new RescueReport(), drive);
        sources.add(source);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarSink tar = TarSink.open(out, Compression.NONE, 1, ProvenancePax::records);
        new Evacuation(source, fx.policy, new RunTotals(), TUNING).run(Names.bytes(src().toString()),
                disk == null ? tar : new TeeSink(DiskSink.open(Names.bytes(disk.toString()), DiskSink.Options.defaults(), fx.policy), tar),
                Evacuation.SinkKind.CONSUMES_BYTES);
        return out.toByteArray();
    }

    @Test void t01_aLargeFileDamagedWhileStreamingIsReportedByExtractWithItsRanges_likeARecordInItsHeader() throws Exception {
        tree();
        byte[] tar = archive(null);

        Path x = tmp.resolve("x");
        List<String> marked = new ArrayList<>();
        RunTotals totals = new RunTotals();
        new Extraction(fx.policy, totals, ProvenancePax::parse).run(new ByteArrayInputStream(tar),
                DiskSink.open(Names.bytes(x.toString()), DiskSink.Options.defaults(), fx.policy),
                (path, p) -> marked.add(Names.latin1(path) + " " + p));

        long bad = 150 * KiB / 4096 * 4096;
        Provenance bigP = new Provenance(List.of(new Range(0, bad, "source"), new Range(bad, 4096, "zero"),
                new Range(bad + 4096, big.length - bad - 4096, "source")), true);
        long sb = 70 * KiB / 4096 * 4096;
        Provenance splicedP = new Provenance(List.of(new Range(0, sb, "source"),
                new Range(sb, 4096, "mirror:" + mirror() + "/2024-01/spliced"),
                new Range(sb + 4096, spliced.length - sb - 4096, "source")), false);
        Provenance smallP = new Provenance(List.of(new Range(0, 4096, "zero"), new Range(4096, small.length - 4096, "source")), true);
        assertEquals(List.of(
                "2024-01/big\u00ff\nname " + bigP,
                "2024-01/small " + smallP,
                "2024-01/spliced " + splicedP), marked);
        assertEquals(2, totals.damagedInodes(), "big and small lost bytes; spliced did not");
        assertArrayEquals(zeroed(big, bad, bad + 4096), Files.readAllBytes(x.resolve("2024-01/big\u00ff\nname")));
        assertEquals(Files.getAttribute(x.resolve("2024-01/big\u00ff\nname"), "unix:ino"),
                Files.getAttribute(x.resolve("2024-01/zz-link"), "unix:ino"));
        assertArrayEquals(spliced, Files.readAllBytes(x.resolve("2024-01/spliced")));
    }

    @Test void t02_onlyTheFilesTooLargeToReadAheadGetLateRecords_withTheHashOfWhatWasWritten() throws Exception {
        tree();
        byte[] tar = archive(null);
        List<String> seen = new ArrayList<>();
        Map<String, Map<String, byte[]>> late = new java.util.TreeMap<>();
        try (TarReader r = new TarReader(new ByteArrayInputStream(tar))) {
            r.onLateRecords(l -> { late.put(Names.latin1(l.path()), l.records()); seen.add("late " + Names.latin1(l.path())); });
            for (Entry e; (e = r.next()) != null; )
                seen.add(Names.latin1(e.path()) + (e.extra().containsKey(ProvenancePax.RANGES) ? " (records in header)" : ""));
        }
        assertEquals(List.of(".", "2024-01", "2024-01/big\u00ff\nname", "late 2024-01/big\u00ff\nname",
                "2024-01/small (records in header)", "2024-01/spliced", "late 2024-01/spliced", "2024-01/z-clean",
                "2024-01/zz-link"), seen, "names sorted bytewise (the scan's order)");
        long bad = 150 * KiB / 4096 * 4096;
        assertEquals(sha256(zeroed(big, bad, bad + 4096)), Names.latin1(late.get("2024-01/big\u00ff\nname").get(ProvenancePax.SHA256)));
        assertEquals(sha256(spliced), Names.latin1(late.get("2024-01/spliced").get(ProvenancePax.SHA256)));
    }

    @Test void t03_migrateArchiveCopyWritesTheVeryBytesArchiveWrites() throws Exception {
        tree();
        byte[] alone = archive(null);
        byte[] teed = archive(tmp.resolve("target"));
        assertArrayEquals(alone, teed);
        long bad = 150 * KiB / 4096 * 4096;
        assertArrayEquals(zeroed(big, bad, bad + 4096), Files.readAllBytes(tmp.resolve("target/2024-01/big\u00ff\nname")));
    }

}
