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
 * gzip and xz, is resumed with --resume: the file is cut back to the last checkpoint's frame
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
     * As {@link #stoppedAndResumed(String, String, int)}, of tree, stopped once the partial file
     * holds more than midwayBytes (negative: 0.5 s after it appears).
     */
    Path stoppedAndResumed(Path tree, String name, String signal, int expectedExit, long midwayBytes) throws Exception {
        Path tar = dir.resolve(name), partial = dir.resolve(name + ".partial");
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), "archive", tree.toString(), "-f", tar.toString(), "-q",
                "--map-interval", "0.3")) {
            boolean midway = run.awaitWhileRunning(() -> midwayBytes < 0 ? Files.exists(partial) : size(partial) > midwayBytes,
                    Duration.ofSeconds(120));
            assertTrue(midway && run.alive(), "the archive ended before it could be stopped: " + run.err());
            Thread.sleep(midwayBytes < 0 ? 500 : new Random(name.hashCode()).nextInt(400));
            run.signal(signal);
            assertEquals(expectedExit, run.waitFor(Duration.ofSeconds(20)), run.err());
        }
        assertFalse(Files.exists(tar), "a stopped archive never carries its final name");
        CliTestSupport.Result r = CliTestSupport.run("archive", tree.toString(), "-f", tar.toString(), "-q", "--map-interval", "0.3",
                "--resume");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(partial));
        assertFalse(Files.exists(dir.resolve(name + ".linkrescue-map")), "the map goes with the archive complete");
        return tar;
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
    void t06_anXzArchiveKilledMidwayIsResumedInNewStreams_everyReaderTakesThem() throws Exception {
        // xz compresses at a few MB/s a core: a farm a fifth the size. Killed by time, 0.5 s after
        // the partial file appears: every entry of a farm this small may be in xz's 8 MiB blocks
        // within the first checkpoint interval, and a SIGTERM during the compression left then
        // is not taken until it ends (a known gap, see README "Stops"), so the run completed
        // before a stop at some output (exit 0). kill -9 ends it wherever it is.
        Path small = LinkFarm.build(dir.resolve("small"), 4, 20, 100, 12);
        Path tar = stoppedAndResumed(small, "killed.tar.xz", "KILL", 137, -1);
        CliTestSupport.sh(null, "xz", "-tq", tar.toString());
        extractsTo(TreeListing.of(small), tar, "xz, killed");
    }

    /** migrate --archive-copy, stopped with signal once the copy's partial file holds bytes, then resumed: both outputs whole. */
    void migrateWithCopyStoppedAndResumed(String copyName, String signal, int exit) throws Exception {
        Path target = dir.resolve("m-" + copyName), copy = dir.resolve(copyName), partial = dir.resolve(copyName + ".partial");
        String[] args = {"migrate", src.toString(), target.toString(), "-q", "--archive-copy", copy.toString(), "--map-interval", "0.3"};
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), args)) {
            boolean midway = run.awaitWhileRunning(() -> size(partial) > (2 << 20), Duration.ofSeconds(120));
            assertTrue(midway && run.alive(), "the migrate ended before it could be stopped: " + run.err());
            Thread.sleep(new Random(copyName.hashCode()).nextInt(400));
            run.signal(signal);
            assertEquals(exit, run.waitFor(Duration.ofSeconds(20)), run.err());
        }
        assertFalse(Files.exists(copy), "a stopped copy never carries its final name");
        assertTrue(Files.exists(partial), "the copy stays under its partial name, for the resume");
        List<String> again = new java.util.ArrayList<>(List.of(args));
        again.add("--resume");
        CliTestSupport.Result r = CliTestSupport.run(again.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(partial));
        assertFalse(Files.exists(target.resolve(".linkrescue-map")), "the map goes with both outputs complete");
        assertEquals(List.of(), want.diff(TreeListing.of(target)), copyName + ": the tree");
        extractsToTheSourceTree(copy, copyName + ": the archive copy");
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
    void t09_migrateWithItsCopyOnStandardOutput_resumesTheTreeWithoutIt_aCopyThatCannotBeCutBackIsNotResumed() throws Exception {
        Path target = dir.resolve("m-stdout");
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), "migrate", src.toString(), target.toString(), "--archive-copy", "-",
                "--map-interval", "0.3")) {
            boolean midway = run.awaitWhileRunning(() -> Files.exists(target.resolve("s02")), Duration.ofSeconds(120));
            assertTrue(midway && run.alive(), "the migrate ended before it could be stopped: " + run.err());
            run.signal("TERM");
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
                boolean midway = run.awaitWhileRunning(() -> Files.exists(target.resolve("s02")), Duration.ofSeconds(120));
                assertTrue(midway && run.alive(), "the extract ended before it could be killed: " + run.err());
                run.signal("KILL");
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
