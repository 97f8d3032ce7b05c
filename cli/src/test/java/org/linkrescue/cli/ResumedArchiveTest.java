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
 * An archive killed (kill -9) or interrupted (SIGINT) midway, plain and zstd, is resumed with
 * --resume: the file is cut back to the last checkpoint's frame boundary and the rest appended;
 * GNU tar, bsdtar and linkrescue extract each the same tree as from an uninterrupted archive.
 * extract, killed midway, resumes from the archive file and from a pipe (the entries done are
 * read past without writing) to the same tree.
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
        Path tar = dir.resolve(name), partial = dir.resolve(name + ".partial");
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), "archive", src.toString(), "-f", tar.toString(), "-q",
                "--map-interval", "0.3")) {
            boolean midway = run.awaitWhileRunning(() -> size(partial) > (2 << 20), Duration.ofSeconds(120));
            assertTrue(midway && run.alive(), "the archive ended before it could be stopped: " + run.err());
            Thread.sleep(new Random(name.hashCode()).nextInt(400));
            run.signal(signal);
            assertEquals(expectedExit, run.waitFor(Duration.ofSeconds(20)), run.err());
        }
        assertFalse(Files.exists(tar), "a stopped archive never carries its final name");
        CliTestSupport.Result r = CliTestSupport.run("archive", src.toString(), "-f", tar.toString(), "-q", "--map-interval", "0.3",
                "--resume");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(partial));
        assertFalse(Files.exists(dir.resolve(name + ".linkrescue-map")), "the map goes with the archive complete");
        return tar;
    }

    void extractsToTheSourceTree(Path tar, String how) throws Exception {
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
