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
        // No more than before, once the data thread's own close has run (it may come a moment
        // after the run returns); not exactly as many: the JVM opens and closes its own meanwhile.
        long until = System.nanoTime() + 5_000_000_000L;
        while (openFds() > before && System.nanoTime() < until) Thread.sleep(10);
        assertTrue(openFds() <= before, "no source or target descriptor left open: " + openFds() + " open, " + before + " before");
    }

    /**
     * Thirty large files off a slow drive that does not seek: each one handed to a data thread
     * holds three descriptors (source, target, target directory) until written; the sink waits
     * for room rather than hand them all over at once (measured: the target files this process
     * holds open, sampled all along).
     */
    @Test void t05_largeFilesOffASlowDriveHoldABoundedNumberOfDescriptors() throws Exception {
        int n = 30;
        for (int i = 0; i < n; i++) file(src().resolve(String.format("s/f%02d", i)), bytes(200 * KiB + i, 10 + i));
        m.drive.seekFree = true;
        m.drive.readMillis = 20;
        java.util.concurrent.atomic.AtomicInteger peak = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                peak.accumulateAndGet(fdsIn(target().resolve("s")), Math::max);
                try { Thread.sleep(2); } catch (InterruptedException e) { return; }
            }
        });
        sampler.start();
        try {
            migrate();
        } finally {
            running.set(false);
            sampler.join();
        }
        for (int i = 0; i < n; i++) {
            String f = String.format("s/f%02d", i);
            assertArrayEquals(Files.readAllBytes(src().resolve(f)), Files.readAllBytes(target().resolve(f)), f);
        }
        assertEquals(List.of(), m.fx.problems);
        // At most 3 large files running (each its target file open twice while a chunk is copied
        // inside the kernel: the copy writes through a descriptor of its own) and 2 waiting on the
        // data threads, and one the sink has just created (unbounded: one per large file, 30).
        // The source side is bounded by the read-ahead (16 contents here) and the opens ahead.
        // One more for the sampler: it lists /proc/self/fd, then reads each link at its own
        // moment, so a file closed and the next one opened between two of its readlinks are
        // counted together though never open at once (seen under load: 10 in 1 run of 10).
        assertTrue(peak.get() <= 3 * 2 + 2 + 1 + 1, "target files open at once: " + peak.get());
    }

    /** This process's descriptors on files in dir. */
    static int fdsIn(Path dir) {
        int k = 0;
        String[] fds = new java.io.File("/proc/self/fd").list();
        for (String fd : fds == null ? new String[0] : fds) {
            try {
                if (dir.equals(Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).getParent())) k++;
            } catch (IOException e) {
                // closed meanwhile
            }
        }
        return k;
    }

    static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
