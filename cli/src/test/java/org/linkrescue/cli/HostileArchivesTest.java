package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Compression;
import org.linkrescue.cli.CliTestSupport.Result;

/**
 * Memory bombs (issue 17 measured each at 4-6 GB and an OutOfMemoryError with a stack trace)
 * are refused at a limit, in one line with exit 1, quickly and in little memory, measured from
 * outside the JVM; a limit raised by its option lets an archive through; and running out of
 * memory anyway is one line too. Each bomb is streamed into the child's stdin as it reads, never
 * built whole.
 */
class HostileArchivesTest {
    /** Peak RSS a refused bomb may cost: the JVM itself takes ~60-90 MB. */
    static final long PEAK_KIB = 300 << 10;

    Path dir;

    @BeforeEach void scratch() throws IOException { dir = CliTestSupport.scratch(); }

    @AfterEach void remove() throws Exception { CliTestSupport.remove(dir); }

    static void oneLine(String err) {
        assertFalse(err.contains("\tat ") || err.contains("Exception") || err.contains("Error"), "one line, no trace:\n" + err);
        assertEquals(1, err.lines().count(), err);
    }

    ChildRun.Result extract(ChildRun child, String... more) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("extract", "-f", "-", "-C", dir.resolve("t").toString()));
        args.addAll(java.util.List.of(more));
        ChildRun.Result r = child.run(dir, args.toArray(String[]::new));
        System.out.println(Thread.currentThread().getStackTrace()[2].getMethodName() + ": peak RSS " + r.peakRssKiB() + " KiB");
        return r;
    }

    static ChildRun.Feed zstd(ChildRun.Feed plain) {
        return out -> {
            try (OutputStream z = Compression.ZSTD.compress(out, 1)) {
                plain.write(z);
            }
        };
    }

    @Test
    void t01_aPaxPathFiveMillionLevelsDeepIsRefusedBeforeAnyDirectoryIsMade() throws Exception {
        ChildRun.Result r = extract(new ChildRun().stdin(zstd(out -> new HostileTar(out)
                .paxRecord("path", "a/", 5_000_000).block(HostileTar.header("x", '0', 0)).end())));
        assertEquals(1, r.code(), r.err());
        assertEquals("linkrescue: archive refused: path of 10,000,000 bytes in the entry at byte offset 10000896:"
                + " over the limit of 1,048,576 bytes (--max-path-length raises the limit)\n", r.err());
        assertTrue(r.peakRssKiB() < PEAK_KIB, "peak RSS " + r.peakRssKiB() + " KiB");
        assertFalse(Files.exists(dir.resolve("t/a")), "no directory made");
    }

    @Test
    void t02_paxHeadersOf60MiBAreRefusedOnTheFirstOnesDeclaredSize() throws Exception {
        ChildRun.Result r = extract(new ChildRun().stdin(zstd(out -> {
            HostileTar t = new HostileTar(out);
            for (int i = 0; i < 110; i++) t.paxRecord("LIBARCHIVE.k" + i, "x", 60L << 20);
            t.block(HostileTar.header("x", '0', 0)).end();
        })));
        assertEquals(1, r.code(), r.err());
        oneLine(r.err());
        assertTrue(r.err().startsWith("linkrescue: archive refused: pax header of 62,914,5"), r.err());
        assertTrue(r.err().endsWith("over the limit of 16,777,216 bytes (--max-header-size raises the limit)\n"), r.err());
        assertTrue(r.peakRssKiB() < PEAK_KIB, "peak RSS " + r.peakRssKiB() + " KiB");
    }

    @Test
    void t03_paxHeadersEachUnderTheLimitStopAtTheLimitOfOneEntry() throws Exception {
        ChildRun.Result r = extract(new ChildRun().stdin(out -> {
            HostileTar t = new HostileTar(out);
            for (int i = 0; i < 110; i++) t.paxRecord("LIBARCHIVE.k" + i, "x", 10L << 20);
            t.block(HostileTar.header("x", '0', 0)).end();
        }));
        assertEquals(1, r.code(), r.err());
        oneLine(r.err());
        assertTrue(r.err().endsWith("over the limit of 33,554,432 bytes (--max-entry-metadata raises the limit)\n"), r.err());
        assertTrue(r.peakRssKiB() < PEAK_KIB, "peak RSS " + r.peakRssKiB() + " KiB");
    }

    @Test
    void t04_anOldGnuSparseMapOf4GiBIsRefusedAtTheRunLimit() throws Exception {
        ChildRun.Result r = extract(new ChildRun().stdin(zstd(out -> {
            byte[] h = HostileTar.header("bomb", 'S', 0);
            for (int i = 0; i < 4; i++) {
                HostileTar.put(h, 386 + 24 * i, String.format("%011o", 2L * i));
                HostileTar.put(h, 398 + 24 * i, "00000000001");
            }
            h[482] = 1;
            HostileTar.put(h, 483, String.format("%011o", 1L << 40));
            new HostileTar(out).block(h);
            byte[] ext = new byte[512];
            long at = 8;
            for (long b = 0; b < (4L << 30) / 512; b++) {
                for (int i = 0; i < 21; i++, at += 2) {
                    HostileTar.put(ext, 24 * i, String.format("%011o", at));
                    HostileTar.put(ext, 24 * i + 12, "00000000001");
                }
                ext[504] = 1;
                out.write(ext);
            }
        })));
        assertEquals(1, r.code(), r.err());
        assertEquals("linkrescue: archive refused: sparse map of the entry at byte offset 0: over the limit of 1,048,576 runs"
                + " (--max-sparse-runs raises the limit)\n", r.err());
        assertTrue(r.peakRssKiB() < PEAK_KIB, "peak RSS " + r.peakRssKiB() + " KiB");
    }

    @Test
    void t05_runningOutOfMemoryAnywayIsOneLineNeverAStackTrace() throws Exception {
        ChildRun.Result r = extract(new ChildRun().jvm("-Xmx48m").stdin(out -> {
            HostileTar t = new HostileTar(out);
            for (int i = 0; i < 110; i++) t.paxRecord("LIBARCHIVE.k" + i, "x", 60L << 20);
            t.block(HostileTar.header("x", '0', 0)).end();
        }), "--max-header-size", "1G", "--max-entry-metadata", "8G");
        assertEquals(1, r.code(), r.err());
        oneLine(r.err());
        assertTrue(r.err().startsWith("linkrescue: out of memory (the JVM's heap is "), r.err());
        assertTrue(r.err().endsWith(" MiB): give it more with LINKRESCUE_JAVA_OPTS=-Xmx<size>\n"), r.err());
    }

    @Test
    void t06_aLimitRaisedByItsOptionLetsTheArchiveThroughAndABadValueIsAUsageError() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        new HostileTar(tar).paxRecord("path", "d/", 5).block(HostileTar.header("x", '0', 0)).end();
        Path t = dir.resolve("t");
        Result refused = CliTestSupport.runWithInput(new ByteArrayInputStream(tar.toByteArray()),
                "extract", "-f", "-", "-C", t.toString(), "--max-path-depth", "4");
        assertEquals(1, refused.code(), refused.err());
        assertEquals("linkrescue: archive refused: path 5 levels deep in the entry at byte offset 1024: over the limit of 4 levels"
                + " (--max-path-depth raises the limit)\n", refused.err());
        CliTestSupport.remove(t);
        Result ok = CliTestSupport.runWithInput(new ByteArrayInputStream(tar.toByteArray()),
                "extract", "-f", "-", "-C", t.toString(), "--max-path-depth", "5", "-q");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.isDirectory(t.resolve("d/d/d/d/d")));
        Result bad = CliTestSupport.run("extract", "-f", "-", "-C", t.toString(), "--max-header-size", "lots");
        assertEquals(2, bad.code());
        assertEquals("linkrescue: --max-header-size: 'lots' is not a positive number (a K, M or G suffix is allowed)\n", bad.err());
        assertEquals(1L << 30, ArchiveLimitsOptions.parseSize("1g", "x"));
    }
}
