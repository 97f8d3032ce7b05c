package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An archive that did not finish never carries its final name (issue 15): GNU tar and bsdtar list
 * a tar cut at an entry boundary with exit 0, so a cut archive under the name the user asked for
 * would pass for a whole one. It is written as FILE.partial and renamed when complete.
 */
class ArchiveFinalNameTest {
    Path dir;

    @BeforeEach void scratch() throws Exception { dir = CliTestSupport.scratch(); }
    @AfterEach void remove() throws Exception { CliTestSupport.remove(dir); }

    @Test
    void t01_anArchiveKilledMidwayIsLeftOnlyUnderItsPartialName() throws Exception {
        Path src = LinkFarm.build(dir.resolve("src"), 6, 50, 100, 1);
        Path tar = dir.resolve("x.tar");
        Path partial = dir.resolve("x.tar.partial");
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), "archive", src.toString(), "-f", tar.toString(), "-q")) {
            boolean midway = run.freezeWhen(() -> size(partial) > (1 << 20) || size(tar) > (1 << 20), Duration.ofSeconds(60));
            assertTrue(midway, "the archive run ended before it could be killed midway: " + run.err());
            run.signalFrozen("KILL");
            assertEquals(137, run.waitFor(Duration.ofSeconds(10)));
        }
        assertFalse(Files.exists(tar), "a killed run left an archive under the final name");
        assertTrue(Files.size(partial) > 0, "the partial archive is kept (a resume continues it)");
    }

    @Test
    void t02_aFinishedArchiveHasItsNameAndNoPartialIsLeft() throws Exception {
        Path src = LinkFarm.build(dir.resolve("src"), 2, 3, 4, 2);
        Path tar = dir.resolve("y.tar.zst");
        CliTestSupport.Result r = CliTestSupport.run("archive", src.toString(), "-f", tar.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(dir.resolve("y.tar.zst.partial")));
        String listing = CliTestSupport.sh(null, "bash", "-c", "zstd -dc " + tar + " | tar -tf - | wc -l");
        assertEquals(1 + 2 + 6 + 24, Integer.parseInt(listing.trim()), "root, snapshots, dirs, files");
    }

    @Test
    void t03_aPartialLeftByAnInterruptedRunIsNotOverwrittenByAFreshOne() throws Exception {
        Path src = LinkFarm.build(dir.resolve("src"), 1, 1, 1, 3);
        Path tar = dir.resolve("z.tar");
        Files.write(dir.resolve("z.tar.partial"), new byte[] {1, 2, 3});
        CliTestSupport.Result r = CliTestSupport.run("archive", src.toString(), "-f", tar.toString(), "-q");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("z.tar.partial"), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertEquals(3, Files.size(dir.resolve("z.tar.partial")));
        assertFalse(Files.exists(tar));
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
