package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.migrate.rescue.RescueFixture.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;

/**
 * migrate hands a file too large to read ahead to one of the disk sink's data threads when its
 * drive does not seek, so two such files are read and written at once (one target file's
 * writes are serialised by the kernel; two files' are not). From a drive that seeks they are
 * read one after the other, as before. Either way every byte, link, count and damaged path
 * comes out the same. Through the fault seam, the read-ahead limit lowered to 64 KiB.
 */
class LargeFilesAtOnceTest {
    static final int KiB = 1024, MiB = 1 << 20;

    @TempDir Path tmp;
    final FaultyMigration m = new FaultyMigration();
    byte[] a, b;

    @AfterEach void close() throws InterruptedException { m.close(); }

    Path src() { return tmp.resolve("src"); }
    Path target() { return tmp.resolve("target"); }

    /** Two snapshots: a and b (3 MiB each) and a small file, each linked again in the second. */
    void tree() throws IOException {
        a = bytes(3 * MiB + 5, 1);
        b = bytes(3 * MiB + 7, 2);
        file(src().resolve("2024-01/a"), a);
        file(src().resolve("2024-01/b"), b);
        file(src().resolve("2024-01/small"), bytes(10 * KiB, 3));
        Files.createDirectories(src().resolve("2024-02"));
        for (String n : List.of("a", "b", "small")) Files.createLink(src().resolve("2024-02/" + n), src().resolve("2024-01/" + n));
    }

    /** migrate: the real disk sink with two data threads, whatever this machine's core count. */
    void migrate() throws IOException {
        m.run(src(), target(), tmp, RescueOptions.defaults());
    }

    Object ino(String rel) throws IOException { return Files.getAttribute(target().resolve(rel), "unix:ino"); }

    void assertLinked() throws IOException {
        for (String n : List.of("a", "b", "small")) assertEquals(ino("2024-01/" + n), ino("2024-02/" + n), n);
    }

    @Test void t01_twoLargeFilesFromADriveThatDoesNotSeekAreCopiedAtOnce() throws Exception {
        tree();
        m.drive.seekFree = true;
        m.drive.holdUntilRead("a", 2 * MiB, "b"); // a's last chunks wait for b's first
        migrate();
        assertTrue(m.drive.heldReadSawTheOther, "b was read while a was still being copied");
        assertArrayEquals(a, Files.readAllBytes(target().resolve("2024-01/a")));
        assertArrayEquals(b, Files.readAllBytes(target().resolve("2024-01/b")));
        assertLinked();
        assertEquals(a.length + b.length + 10 * KiB, m.totals.bytes(), "each file's bytes counted once it is written");
        assertEquals(3, m.totals.inodesRead());
        assertEquals(0, m.totals.damagedInodes());
        assertEquals(List.of(), m.fx.problems);
    }

    @Test void t02_fromADriveThatSeeksOneLargeFileIsReadAfterTheOther() throws Exception {
        tree();
        migrate();
        List<String> order = new ArrayList<>();
        synchronized (m.drive.reads) {
            for (String r : m.drive.reads) {
                String name = r.substring(0, r.indexOf('@'));
                if ((name.equals("a") || name.equals("b")) && (order.isEmpty() || !order.get(order.size() - 1).equals(name))) order.add(name);
            }
        }
        assertEquals(List.of("a", "b"), order, "every read of a before the first of b: " + m.drive.reads);
        assertArrayEquals(a, Files.readAllBytes(target().resolve("2024-01/a")));
        assertArrayEquals(b, Files.readAllBytes(target().resolve("2024-01/b")));
        assertLinked();
    }

    @Test void t03_aDamagedFileCopiedBesideAnotherIsCountedDamagedAndItsLaterPathIsInTheReport() throws Exception {
        tree();
        m.drive.seekFree = true;
        m.drive.eio("a", 2 * MiB + 100, 2 * MiB + 101);
        m.drive.holdUntilRead("a", MiB, "b");
        migrate();
        assertTrue(m.drive.heldReadSawTheOther, "copied at once");
        long bad = (2 * MiB + 100) / 4096 * 4096;
        assertArrayEquals(zeroed(a, bad, bad + 4096), Files.readAllBytes(target().resolve("2024-01/a")));
        assertArrayEquals(b, Files.readAllBytes(target().resolve("2024-01/b")));
        assertLinked();
        assertEquals(1, m.totals.damagedInodes(), "the exit code comes from this count");
        assertEquals(a.length + b.length + 10 * KiB, m.totals.bytes());
        DamagedInodeRecord r = m.report.records().get(0);
        assertEquals(List.of("2024-01/a", "2024-02/a"), r.paths().stream().map(Names::latin1).toList(),
                "the later path, linked after a's data thread, is named too");
        assertEquals(List.of(new ByteRange(bad, 4096)), r.badRanges());
        assertEquals(1, m.report.records().size());
    }

    @Test void t04_aLargeFileHandedToADataThreadClosesItsSourceDescriptorThere() throws Exception {
        tree();
        m.drive.seekFree = true;
        long before = openFds();
        migrate();
        m.closeSources();
        assertEquals(before, openFds(), "no source or target descriptor left open");
    }

    static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
