package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linkrescue.migrate.sink.Entries.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.SparseData;

/** A content with holes is written as its data runs, the holes left unwritten (stat's blocks say so). */
class SparseWriteTest {
    static final long GIB = 1L << 30;
    Path base, target;
    RecordingProblems problems = new RecordingProblems();

    @BeforeEach void scratch() throws IOException {
        base = Files.createTempDirectory(Path.of("/dev/shm"), "lr-sparse-");
        target = base.resolve("t");
    }

    @AfterEach void remove() throws Exception { TreeSnapshot.run(List.of("rm", "-rf", base.toString())); }

    /** size bytes, the given runs of data (offset, text), zeros elsewhere; feeding it whole would take long. */
    static Content holes(long size, Object... runs) {
        final class Holes implements Content, SparseData {
            boolean fedWhole;

            @Override public long size() { return size; }
            @Override public Provenance provenance() { return Provenance.CLEAN; }
            @Override public void feed(Chunks out) { fedWhole = true; throw new AssertionError("fed whole: " + size + " bytes"); }

            @Override
            public long[] runs() {
                long[] r = new long[runs.length];
                for (int i = 0; i < runs.length; i += 2) {
                    r[i] = (Long) runs[i];
                    r[i + 1] = ((String) runs[i + 1]).length();
                }
                return r;
            }

            @Override
            public void feedData(DataChunks out) throws IOException {
                for (int i = 0; i < runs.length; i += 2) {
                    byte[] b = Names.bytes((String) runs[i + 1]);
                    out.accept((Long) runs[i], b, 0, b.length);
                }
            }
        }
        return new Holes();
    }

    String stat(String name) throws IOException, InterruptedException {
        return TreeSnapshot.run(List.of("stat", "-c", "%s %b", target.resolve(name).toString())).strip();
    }

    @Test
    void t01_dataRunsAtTheirOffsetsAndHolesLeftUnwritten() throws Exception {
        try (DiskSink sink = DiskSink.open(Names.bytes(target.toString()), DiskSink.Options.defaults(), problems)) {
            sink.accept(file("big", 64 * GIB), holes(64 * GIB, 0L, "head", 40 * GIB, "middle", 64 * GIB - 4, "tail"));
            sink.accept(file("end-hole", 10 * GIB), holes(10 * GIB, 0L, "only at the start"));
            sink.finish();
        }
        assertEquals(List.of(), problems.reports);
        String[] big = stat("big").split(" ");
        assertEquals(64 * GIB, Long.parseLong(big[0]));
        assertTrue(Long.parseLong(big[1]) <= 24, "three pages at most: " + stat("big"));
        assertEquals("middle", TreeSnapshot.run(List.of("dd", "if=" + target.resolve("big"), "bs=1", "skip=" + 40 * GIB,
                "count=6", "status=none")));
        assertEquals(10 * GIB + " 8", stat("end-hole"), "a hole at the end: the size set by ftruncate");
    }

    @Test
    void t02_aRefusedSparseEntryIsSkippedByItsDataNotFedAsATebibyteOfZeros() throws Exception {
        Files.createDirectories(target);
        Files.writeString(target.resolve("there"), "x");
        try (DiskSink sink = DiskSink.open(Names.bytes(target.toString()), DiskSink.Options.defaults().withAllowExisting(true), problems)) {
            sink.accept(file("there", 1L << 40), holes(1L << 40, 0L, "data"));
            sink.finish();
        }
        assertEquals(Grade.FAILED, problems.only("there").grade());
        assertEquals("x", Files.readString(target.resolve("there")));
    }
}
