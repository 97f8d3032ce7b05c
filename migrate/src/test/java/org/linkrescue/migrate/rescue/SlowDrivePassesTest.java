package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;
import org.linkrescue.testdata.Fault;
import org.linkrescue.testdata.FaultFs;
import org.linkrescue.testdata.SnapshotTree;
import org.linkrescue.testdata.SnapshotTreeGenerator;

/**
 * A slow failing drive (FUSE, {@link FaultFs} with direct_io): every read that touches a bad
 * block is held for a fixed delay before it fails or comes back short, as a disk that retries a
 * sector inside costs seconds per bad read. On a snapshot tree with damaged files linked into
 * every snapshot, all healthy files are in TARGET after the time of an error-free run plus about
 * one bad read per bad zone: pass 1 touches each bad block at most once before the last healthy
 * file is read (the seam's log around the real reader says so, exactly). The inline rescue (the
 * old behaviour: scrape each damaged file the moment it fails) is timed beside it.
 *
 * <p>Small here (the suite's budget); bench/passes runs it at full size (50,000 paths, 200 bad
 * blocks over 20 files, 0.5 s a bad read) through the same system properties, and the figures
 * are printed as one line "slow-drive: ...".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowDrivePassesTest {
    static final int SNAPSHOTS = Integer.getInteger("slowdrive.snapshots", 2);
    static final int FILES = Integer.getInteger("slowdrive.files", 200);
    static final int DAMAGED = Integer.getInteger("slowdrive.damaged", 4);
    static final int BAD_PER_FILE = Integer.getInteger("slowdrive.badPerFile", 3);
    static final long DELAY_MILLIS = Long.getLong("slowdrive.delayMillis", 300);
    static final int DAMAGED_SIZE = 2 << 20;

    Path work;
    SnapshotTree gen;
    FaultFs fs;
    /** Relative to the snapshots' root: every regular file that is not damaged, with its size. */
    final List<Path> healthy = new ArrayList<>();
    final List<Long> healthySizes = new ArrayList<>();
    final List<String> damagedNames = new ArrayList<>();
    final List<long[]> badBlocks = new ArrayList<>();

    @BeforeAll void buildTheSlowDrive() throws Exception {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
        work = Files.createTempDirectory("lr-slowdrive-");
        gen = new SnapshotTreeGenerator().snapshots(SNAPSHOTS).filesPerSnapshot(FILES).oddEntries(false).longPath(false)
                .generate(work.resolve("gen"));
        Path src = gen.source();
        Random rnd = new Random(16);
        for (int i = 0; i < DAMAGED; i++) {
            String name = String.format("damaged%02d.bin", i);
            damagedNames.add(name);
            Path first = RescueFixture.file(src.resolve(gen.snapshotNames().get(0) + "/rescue/" + name), FailingDrive.pattern(name, DAMAGED_SIZE));
            for (String s : gen.snapshotNames().subList(1, gen.snapshotNames().size())) {
                Files.createDirectories(src.resolve(s + "/rescue"));
                Files.createLink(src.resolve(s + "/rescue/" + name), first);
            }
            long[] blocks = new long[BAD_PER_FILE]; // spread: one in each equal slice of the file
            long slice = DAMAGED_SIZE / BAD_PER_FILE;
            for (int k = 0; k < BAD_PER_FILE; k++) blocks[k] = (k * slice + rnd.nextInt((int) Math.max(1, slice - 4096))) / 4096 * 4096;
            badBlocks.add(blocks);
        }
        try (Stream<Path> all = Files.walk(src)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || p.getFileName().toString().startsWith("damaged")) continue;
                healthy.add(src.relativize(p));
                healthySizes.add(Files.size(p));
            }
        }
        fs = FaultFs.mount(src, work, true);
    }

    @AfterAll void unmount() throws Exception {
        if (fs != null) fs.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    void breakTheBlocks() throws IOException {
        fs.clear();
        for (int i = 0; i < DAMAGED; i++)
            for (long b : badBlocks.get(i))
                for (String s : gen.snapshotNames().subList(0, 1)) // one inode: its first path is the one read
                    fs.add(Fault.on(FaultFs.Op.READ).path(s + "/rescue/" + damagedNames.get(i)).bytes(b, b + 4096)
                            .stall(Duration.ofMillis(DELAY_MILLIS)).eio());
    }

    /** One timed migrate off the slow drive; when every healthy file was in TARGET, and the seam's log. */
    record Run(double healthySeconds, double totalSeconds, ReadLog log, RescueReport report) {}

    Run migrate(String name, boolean inPasses) throws Exception {
        Path target = work.resolve(name);
        try (FaultyMigration m = new FaultyMigration()) {
            HealthyWatch watch = new HealthyWatch(target);
            long t0 = System.nanoTime();
            watch.begin(t0);
            m.run(fs.root(), target, work, RescueOptions.defaults(), inPasses ? Pass.ALL : null, Evacuation.Tuning.DEFAULT);
            double total = (System.nanoTime() - t0) / 1e9;
            m.closeSources();
            double healthySeconds = watch.finish();
            return new Run(healthySeconds, total, ReadLog.of(m.drive), m.report);
        }
    }

    /** Polls TARGET until every healthy file is there with its size (newest in stream order first: the last to come). */
    final class HealthyWatch extends Thread {
        private final Path target;
        private volatile long start, doneAt = -1;
        private volatile boolean stop;

        HealthyWatch(Path target) {
            this.target = target;
            setDaemon(true);
        }

        void begin(long t0) {
            start = t0;
            start();
        }

        @Override public void run() {
            while (!stop && doneAt < 0) {
                if (allThere()) doneAt = System.nanoTime();
                else sleepQuietly();
            }
        }

        private boolean allThere() {
            for (int i = healthy.size() - 1; i >= 0; i--) {
                try {
                    if (Files.size(target.resolve(healthy.get(i))) != healthySizes.get(i)) return false;
                } catch (IOException | UncheckedIOException e) {
                    return false;
                }
            }
            return true;
        }

        private static void sleepQuietly() {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        double finish() throws InterruptedException {
            if (doneAt < 0 && allThere()) doneAt = System.nanoTime();
            stop = true;
            join(5000);
            assertTrue(doneAt > 0, "every healthy file reached TARGET");
            return (doneAt - start) / 1e9;
        }
    }

    /** Reads (as the seam saw them: one pread, however FUSE splits it) that touched a bad block. */
    long badReads(ReadLog log) { return log.reads().stream().filter(this::touchesABadBlock).count(); }

    long badReadsBeforeTheHealthyAreOut(ReadLog log) {
        int last = -1;
        for (int i = 0; i < log.reads().size(); i++) if (!log.reads().get(i).name().startsWith("damaged")) last = i;
        return log.reads().subList(0, last + 1).stream().filter(this::touchesABadBlock).count();
    }

    private boolean touchesABadBlock(ReadLog.Read r) {
        int i = damagedNames.indexOf(r.name());
        if (i < 0) return false;
        for (long b : badBlocks.get(i)) if (r.touches(r.name(), b, b + 4096)) return true;
        return false;
    }

    @Test void t01_allHealthyFilesAreOutWithinAnErrorFreeRunPlusOneBadReadPerZone() throws Exception {
        fs.clear();
        Run clean = migrate("clean", true);
        breakTheBlocks();
        Run passes = migrate("passes", true);
        breakTheBlocks();
        Run inline = migrate("inline", false);

        int zones = DAMAGED * BAD_PER_FILE; // spread blocks: each its own zone
        long[] badReads = {badReads(passes.log()), badReads(inline.log())};
        for (int i = 0; i < DAMAGED; i++) passes.log().noBadBlockTwiceBeforeTheHealthyFilesAreOut(n -> !n.startsWith("damaged"), damagedNames.get(i), badBlocks.get(i));
        double budget = clean.healthySeconds() + zones * DELAY_MILLIS / 1000.0;
        System.out.printf(java.util.Locale.ROOT,
                "slow-drive: %d paths, %d bad blocks over %d files, %.2f s a bad read: all healthy files in TARGET after %.2f s in passes"
                        + " (whole run %.2f s), %.2f s inline (whole run %.2f s), %.2f s error-free; budget (error-free + one bad read per zone) %.2f s;"
                        + " reads over a bad block: %d in passes (%d before the last healthy read), %d inline%n",
                gen.paths(), zones, DAMAGED, DELAY_MILLIS / 1000.0, passes.healthySeconds(), passes.totalSeconds(),
                inline.healthySeconds(), inline.totalSeconds(), clean.healthySeconds(), budget,
                badReads[0], badReadsBeforeTheHealthyAreOut(passes.log()), badReads[1]);
        // Timings on a shared machine: the exact claim is the read order above; here a loose bound.
        assertTrue(passes.healthySeconds() < budget + 2 + clean.healthySeconds(),
                "healthy files out in " + passes.healthySeconds() + " s, budget " + budget + " s");
        assertTrue(passes.healthySeconds() < inline.healthySeconds(),
                "passes " + passes.healthySeconds() + " s, inline " + inline.healthySeconds() + " s");
        for (int i = 0; i < DAMAGED; i++) {
            String rel = gen.snapshotNames().get(0) + "/rescue/" + damagedNames.get(i);
            assertEquals(-1, Files.mismatch(work.resolve("inline/" + rel), work.resolve("passes/" + rel)), rel + ": the same rescue result");
        }
        assertEquals(inline.report().bytesLost(), passes.report().bytesLost());
        assertEquals((long) zones * 4096, passes.report().bytesLost());
    }
}
