package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.testdata.TreeListing;

/**
 * archive and extract, stopped and resumed, with real processes and real signals (issue 15).
 * An archive killed (kill -9), interrupted (SIGINT) or stopped (SIGTERM) midway, plain, zstd,
 * gzip and xz, is resumed with --resume (a signal is taken within 2 s, also while xz compresses,
 * and the report says "interrupted"): the file is cut back to the last checkpoint's frame
 * boundary (zstd frame, gzip member, xz stream) and the rest appended; GNU tar, bsdtar and
 * linkrescue extract each the same tree as from an uninterrupted archive. extract, killed
 * midway, resumes from the archive file and from a pipe (the entries done are read past without
 * writing) to the same tree. migrate --archive-copy, killed or stopped midway, resumes both: the
 * tree, and the copy under its partial name, cut back and appended to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumedArchiveTest {
    Path dir, src;
    TreeListing want;

    @BeforeAll void aFarm() throws Exception {
        dir = CliTestSupport.scratchInMemory();
        src = LinkFarm.build(dir.resolve("src"), 8, 50, 100, 11); // ~40,000 paths
        want = TreeListing.of(src);
    }

    @AfterAll void remove() throws Exception { CliTestSupport.remove(dir); }

    /** Runs archive, stops it with signal once its partial file holds bytes, resumes it; returns the archive. */
    Path stoppedAndResumed(String name, String signal, int expectedExit) throws Exception {
        return stoppedAndResumed(src, name, signal, expectedExit, 2 << 20);
    }

    /**
     * As {@link #stoppedAndResumed(String, String, int)}, of tree, stopped midway as {@link
     * #stopMidway} says. A SIGINT or SIGTERM must be taken within 2 s, and the report must say so.
     */
    Path stoppedAndResumed(Path tree, String name, String signal, int expectedExit, long midwayBytes) throws Exception {
        Path tar = dir.resolve(name), partial = dir.resolve(name + ".partial"), report = dir.resolve(name + ".json"),
                map = dir.resolve(name + ".linkrescue-map");
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), "archive", tree.toString(), "-f", tar.toString(), "-q",
                "--map-interval", "0.3", "--report", report.toString())) {
            stopMidway(run, partial, midwayBytes, name, map, "archive", signal);
            long signalled = run.elapsedMillis();
            assertEquals(expectedExit, run.waitFor(Duration.ofSeconds(20)), run.err());
            if (!signal.equals("KILL")) stoppedPromptly(run, signalled, report);
        }
        assertFalse(Files.exists(tar), "a stopped archive never carries its final name");
        CliTestSupport.Result r = CliTestSupport.run("archive", tree.toString(), "-f", tar.toString(), "-q", "--map-interval", "0.3",
                "--resume");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(partial));
        assertFalse(Files.exists(map), "the map goes with the archive complete");
        return tar;
    }

    /**
     * Sends signal to run midway through writing partial: frozen where it stands once partial
     * holds more than midwayBytes and up to 4 MiB more, drawn by draw (a run of these farms
     * ends ~0.5 s in, sooner than a sleep would reliably catch it). midwayBytes negative: 0.5 s
     * after map holds a checkpoint with bytes of output, while blocks still compress.
     */
    static void stopMidway(LiveChild run, Path partial, long midwayBytes, String draw, Path map, String output, String signal)
            throws Exception {
        if (midwayBytes < 0) {
            boolean midway = run.awaitWhileRunning(() -> checkpointed(map, output), Duration.ofSeconds(120));
            assertTrue(midway && run.alive(), "the run ended before it could be stopped: " + run.err());
            Thread.sleep(500);
            run.signal(signal);
        } else {
            long at = midwayBytes + new Random(draw.hashCode()).nextInt(4 << 20);
            boolean midway = run.freezeWhen(() -> size(partial) > at, Duration.ofSeconds(120));
            assertTrue(midway, "the run ended before it could be stopped: " + run.err());
            run.signalFrozen(signal);
        }
    }

    /** Exited within 2 s of the signal, its report marked interrupted. */
    static void stoppedPromptly(LiveChild run, long signalled, Path report) throws Exception {
        long took = run.elapsedMillis() - signalled;
        assertTrue(took < 2000, "stopped " + took + " ms after the signal: " + run.err());
        String json = Files.readString(report);
        assertTrue(json.contains("\"outcome\":\"interrupted\""), json);
    }

    /** Whether the rescue map at map holds a checkpoint with bytes of the archive output name. */
    static boolean checkpointed(Path map, String name) {
        try {
            return Files.readAllLines(map, java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                    .anyMatch(l -> l.startsWith("output " + name + " offset=") && !l.startsWith("output " + name + " offset=0 "));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    void extractsToTheSourceTree(Path tar, String how) throws Exception {
        extractsTo(want, tar, how);
    }

    void extractsTo(TreeListing want, Path tar, String how) throws Exception {
        Path gnu = dir.resolve("gnu-" + tar.getFileName()), bsd = dir.resolve("bsd-" + tar.getFileName()),
                ours = dir.resolve("ours-" + tar.getFileName());
        Files.createDirectories(gnu);
        Files.createDirectories(bsd);
        CliTestSupport.sh(null, "tar", "-xf", tar.toString(), "-C", gnu.toString());
        CliTestSupport.sh(null, "bsdtar", "-xf", tar.toString(), "-C", bsd.toString());
        assertEquals(0, CliTestSupport.run("extract", "-f", tar.toString(), "-C", ours.toString(), "-q").code());
        assertEquals(List.of(), want.diff(TreeListing.of(gnu)), how + ": GNU tar");
        assertEquals(List.of(), want.diff(TreeListing.of(bsd)), how + ": bsdtar");
        assertEquals(List.of(), want.diff(TreeListing.of(ours)), how + ": linkrescue extract");
        for (Path p : List.of(gnu, bsd, ours)) CliTestSupport.remove(p);
    }

    @Test
    void t01_aPlainArchiveKilledMidwayIsResumedToTheWholeArchive() throws Exception {
        Path tar = stoppedAndResumed("killed.tar", "KILL", 137);
        CliTestSupport.sh(null, "tar", "-tf", tar.toString()); // lists with exit 0: whole
        extractsToTheSourceTree(tar, "plain, killed");
    }

    @Test
    void t02_aZstdArchiveInterruptedMidwayIsResumedInNewFrames_everyReaderTakesThem() throws Exception {
        Path tar = stoppedAndResumed("int.tar.zst", "INT", 130);
        CliTestSupport.sh(null, "zstd", "-tq", tar.toString());
        extractsToTheSourceTree(tar, "zstd, interrupted");
    }

    @Test
    void t03_aZstdArchiveKilledMidwayIsCutBackToAFrameEndAndResumed() throws Exception {
        Path tar = stoppedAndResumed("killed.tar.zst", "KILL", 137);
        CliTestSupport.sh(null, "zstd", "-tq", tar.toString());
        extractsToTheSourceTree(tar, "zstd, killed");
    }

    @Test
    void t05_aGzipArchiveKilledMidwayIsCutBackToAMemberEndAndResumed() throws Exception {
        Path tar = stoppedAndResumed("killed.tar.gz", "KILL", 137);
        CliTestSupport.sh(null, "gzip", "-tq", tar.toString());
        extractsToTheSourceTree(tar, "gzip, killed");
    }

    @Test
    void t06_anXzArchiveStoppedWhileItsBlocksCompress_stopsPromptly_andIsResumedInNewStreams() throws Exception {
        // Stopped 0.5 s after the first checkpoint with archive bytes, with ~4 s of compression
        // left (a checkpoint ends an xz stream: it waits for every block in flight). The signal
        // was waited out until the compression in flight ended (~5 s; during the last blocks
        // the run then ended whole, exit 0): now those blocks are given up and the run ends at
        // its last checkpoint.
        Path tar = stoppedAndResumed(src, "term.tar.xz", "TERM", 143, -1);
        CliTestSupport.sh(null, "xz", "-tq", tar.toString());
        extractsToTheSourceTree(tar, "xz, stopped");
    }

    @Test
    void t11_anXzArchiveInterruptedBeforeItsFirstCheckpoint_leavesNothing_andTheNextRunStartsOver() throws Exception {
        // Its first blocks still compressing, the stop gives them up: no checkpoint holds a byte
        // of the archive, so neither the map nor the partial file stays, as the stop says.
        Path small = LinkFarm.build(dir.resolve("small"), 4, 20, 100, 12);
        Path tar = dir.resolve("early.tar.xz"), partial = dir.resolve("early.tar.xz.partial"), report = dir.resolve("early.json");
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), "archive", small.toString(), "-f", tar.toString(), "-q",
                "--report", report.toString())) {
            boolean started = run.awaitWhileRunning(() -> Files.exists(partial), Duration.ofSeconds(60));
            assertTrue(started && run.alive(), "the archive ended before it could be stopped: " + run.err());
            Thread.sleep(300);
            run.signal("INT");
            long signalled = run.elapsedMillis();
            assertEquals(130, run.waitFor(Duration.ofSeconds(20)), run.err());
            stoppedPromptly(run, signalled, report);
            assertTrue(run.err().contains("no rescue map was kept: the next run starts over"), run.err());
        }
        assertFalse(Files.exists(partial), "nothing to resume: the partial file goes");
        assertFalse(Files.exists(dir.resolve("early.tar.xz.linkrescue-map")));
        CliTestSupport.Result r = CliTestSupport.run("archive", small.toString(), "-f", tar.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        extractsTo(TreeListing.of(small), tar, "xz, started over");
    }

    /** migrate --archive-copy, stopped with signal once the copy's partial file holds bytes, then resumed: both outputs whole. */
    void migrateWithCopyStoppedAndResumed(String copyName, String signal, int exit) throws Exception {
        migrateWithCopyStoppedAndResumed(src, want, copyName, signal, exit, false);
    }

    /**
     * As {@link #migrateWithCopyStoppedAndResumed(String, String, int)}, of tree (listed as
     * treeWant); afterCheckpoint: stopped 0.5 s after the rescue map holds a checkpoint with
     * bytes of the copy (else frozen once the partial file holds 2 to 6 MiB, chosen by name).
     */
    void migrateWithCopyStoppedAndResumed(Path tree, TreeListing treeWant, String copyName, String signal, int exit,
                                          boolean afterCheckpoint) throws Exception {
        Path target = dir.resolve("m-" + copyName), copy = dir.resolve(copyName), partial = dir.resolve(copyName + ".partial"),
                report = dir.resolve("m-" + copyName + ".json");
        String[] args = {"migrate", tree.toString(), target.toString(), "-q", "--archive-copy", copy.toString(), "--map-interval", "0.3"};
        List<String> first = new java.util.ArrayList<>(List.of(args));
        first.addAll(List.of("--report", report.toString()));
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), first.toArray(String[]::new))) {
            stopMidway(run, partial, afterCheckpoint ? -1 : 2 << 20, copyName, target.resolve(".linkrescue-map"), "archive-copy",
                    signal);
            long signalled = run.elapsedMillis();
            assertEquals(exit, run.waitFor(Duration.ofSeconds(20)), run.err());
            if (!signal.equals("KILL")) stoppedPromptly(run, signalled, report);
        }
        assertFalse(Files.exists(copy), "a stopped copy never carries its final name");
        assertTrue(Files.exists(partial), "the copy stays under its partial name, for the resume");
        List<String> again = new java.util.ArrayList<>(List.of(args));
        again.add("--resume");
        CliTestSupport.Result r = CliTestSupport.run(again.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(partial));
        assertFalse(Files.exists(target.resolve(".linkrescue-map")), "the map goes with both outputs complete");
        assertEquals(List.of(), treeWant.diff(TreeListing.of(target)), copyName + ": the tree");
        extractsTo(treeWant, copy, copyName + ": the archive copy");
        CliTestSupport.remove(target);
    }

    @Test
    void t07_migrateWithAZstdArchiveCopyKilledMidway_resumesTheTreeAndTheCopy() throws Exception {
        migrateWithCopyStoppedAndResumed("copy-killed.tar.zst", "KILL", 137);
    }

    @Test
    void t08_migrateWithAGzipArchiveCopyStoppedMidway_resumesTheTreeAndTheCopy() throws Exception {
        migrateWithCopyStoppedAndResumed("copy-term.tar.gz", "TERM", 143);
    }

    @Test
    void t10_migrateWithAnXzArchiveCopyInterruptedWhileItsBlocksCompress_stopsPromptly_resumesTheTreeAndTheCopy() throws Exception {
        Path small = LinkFarm.build(dir.resolve("small-copy"), 4, 20, 100, 13);
        migrateWithCopyStoppedAndResumed(small, TreeListing.of(small), "copy-int.tar.xz", "INT", 130, true);
    }

    @Test
    void t09_migrateWithItsCopyOnStandardOutput_resumesTheTreeWithoutIt_aCopyThatCannotBeCutBackIsNotResumed() throws Exception {
        Path target = dir.resolve("m-stdout");
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), "migrate", src.toString(), target.toString(), "--archive-copy", "-",
                "--map-interval", "0.3")) {
            boolean midway = run.freezeWhen(() -> Files.exists(target.resolve("s02")), Duration.ofSeconds(120));
            assertTrue(midway, "the migrate ended before it could be stopped: " + run.err());
            run.signalFrozen("TERM");
            assertEquals(143, run.waitFor(Duration.ofSeconds(20)), run.err());
            assertTrue(run.err().contains("resume with: linkrescue migrate " + src + " " + target + " --map-interval 0.3 --resume"),
                    "the command that resumes leaves the copy out: " + run.err());
        }
        CliTestSupport.Result refused = CliTestSupport.run("migrate", src.toString(), target.toString(), "--archive-copy", "-",
                "--map-interval", "0.3", "--resume");
        assertEquals(2, refused.code(), refused.err());
        assertEquals(1, refused.err().lines().count(), refused.err());
        assertTrue(refused.err().startsWith("linkrescue: --resume: an archive copy written to standard output cannot be resumed"), refused.err());
        assertEquals(0, refused.out().length, "not a byte of a copy that would hold only the rest");
        CliTestSupport.Result r = CliTestSupport.run("migrate", src.toString(), target.toString(), "--map-interval", "0.3", "--resume");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(), want.diff(TreeListing.of(target)));
        CliTestSupport.remove(target);
    }

    @Test
    void t04_extractKilledMidwayResumesFromTheFileAndFromAPipe() throws Exception {
        Path tar = dir.resolve("whole.tar.zst");
        assertEquals(0, CliTestSupport.run("archive", src.toString(), "-f", tar.toString(), "-q").code());
        for (String how : List.of("file", "pipe")) {
            Path target = dir.resolve("x-" + how);
            try (LiveChild run = LiveChild.start(dir.resolve("logs"), "extract", "-f", tar.toString(), "-C", target.toString(), "-q",
                    "--map-interval", "0.3")) {
                boolean midway = run.freezeWhen(() -> Files.exists(target.resolve("s02")), Duration.ofSeconds(120));
                assertTrue(midway, "the extract ended before it could be killed: " + run.err());
                run.signalFrozen("KILL");
                run.waitFor(Duration.ofSeconds(20));
            }
            CliTestSupport.Result r = how.equals("file")
                    ? CliTestSupport.run("extract", "-f", tar.toString(), "-C", target.toString(), "-q", "--resume")
                    : CliTestSupport.runWithInput(new java.io.ByteArrayInputStream(CliTestSupport.shBytes("zstd", "-dc", tar.toString())),
                            "extract", "-f", "-", "-C", target.toString(), "-q", "--resume");
            assertEquals(0, r.code(), how + ": " + r.err());
            assertFalse(Files.exists(target.resolve(".linkrescue-map")));
            assertEquals(List.of(), want.diff(TreeListing.of(target)), "extract resumed from a " + how);
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
