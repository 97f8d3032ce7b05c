package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.cli.CliTestSupport.Result;

/** --dry-run, and the room check before a migrate writes anything (issue 18). */
class DryRunTest {
    @TempDir Path dir;
    Path snaps;

    @BeforeEach void tree() throws Exception {
        snaps = dir.resolve("snaps");
        for (int s = 1; s <= 3; s++) {
            for (int f = 0; f < 10; f++) {
                Path p = snaps.resolve("2024-01-0" + s + "/home/f" + f);
                Files.createDirectories(p.getParent());
                if (s == 1) Files.write(p, new byte[3000 + 1000 * f]);
                else Files.createLink(p, snaps.resolve("2024-01-01/home/f" + f));
            }
        }
        Files.write(snaps.resolve("2024-01-03/home/only-here"), new byte[20_000]);
    }

    /** A tmpfs of this size and inode count at dir/name (root only). */
    private Path smallTmpfs(String name, String options) throws Exception {
        Path t = Files.createDirectory(dir.resolve(name));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", t.toString()).redirectErrorStream(true).start();
        m.getInputStream().readAllBytes();
        Assumptions.assumeTrue(m.waitFor() == 0, "cannot mount a small tmpfs here (needs root)");
        return t;
    }

    private static void umount(Path t) throws Exception { new ProcessBuilder("umount", t.toString()).start().waitFor(); }

    @Test void t01_aDryRunWritesNothingAndCountsWhatTheCopyWillHold() throws Exception {
        Path target = dir.resolve("new");
        Result dry = CliTestSupport.run("migrate", snaps.toString(), target.toString(), "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertFalse(Files.exists(target), "nothing written");
        String counts = "38 paths (18 inodes, 20 hard links): 11 files, 7 directories, 92.8 KiB";
        assertTrue(dry.outText().startsWith("migrate --dry-run, nothing written: " + counts + "\n"), dry.outText());
        assertTrue(dry.outText().matches("(?s).*TARGET '.*' needs about .* and 18 inodes; has .* free: fits\n"), dry.outText());
        Result real = CliTestSupport.run("migrate", snaps.toString(), target.toString());
        assertTrue(real.err().endsWith(counts + "\n"), "the copy holds what the dry run said: " + real.err());
    }

    @Test void t02_aMigrateThatCannotFitIsNotStarted_unlessForced() throws Exception {
        Path small = smallTmpfs("small", "size=48k");
        try {
            Result dry = CliTestSupport.run("migrate", snaps.toString(), small.resolve("new").toString(), "--dry-run");
            assertEquals(1, dry.code(), dry.outText());
            assertTrue(dry.outText().contains("needs about 136 KiB and 18 inodes; has 48.0 KiB"), dry.outText());
            assertTrue(dry.outText().contains("does NOT fit"), dry.outText());
            Result r = CliTestSupport.run("migrate", snaps.toString(), small.resolve("new").toString());
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().startsWith("linkrescue: TARGET '" + small.resolve("new") + "' needs about 136 KiB and 18 inodes; has 48.0 KiB"), r.err());
            assertTrue(r.err().endsWith(": not started (--force starts anyway; --exclude leaves parts out; --dry-run shows the counts)\n"), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertFalse(Files.exists(small.resolve("new")), "nothing made");
            Result forced = CliTestSupport.run("migrate", snaps.toString(), small.resolve("new").toString(), "--force");
            assertTrue(forced.err().contains("ENOSPC"), "--force starts, and the full target stops it: " + forced.err());
        } finally {
            umount(small);
        }
    }

    @Test void t03_tooFewFreeInodesIsNoRoomEither() throws Exception {
        Path small = smallTmpfs("few", "size=8m,nr_inodes=12");
        try {
            Result r = CliTestSupport.run("migrate", snaps.toString(), small.resolve("new").toString());
            assertEquals(1, r.code(), r.err());
            assertTrue(r.err().matches("linkrescue: TARGET '.*' needs about 136 KiB and 18 inodes; has .* and 1[01] inodes free: not started .*\n"), r.err());
        } finally {
            umount(small);
        }
    }

    @Test void t04_anArchiveDryRunSaysAboutHowLargeTheArchiveWillBe() throws Exception {
        Path a = dir.resolve("a.tar");
        Result dry = CliTestSupport.run("archive", snaps.toString(), "-f", a.toString(), "--dry-run");
        assertEquals(0, dry.code(), dry.err());
        assertFalse(Files.exists(a));
        String est = dry.outText().replaceFirst("(?s).*about ([0-9.]+) KiB uncompressed.*", "$1");
        assertEquals(0, CliTestSupport.run("archive", snaps.toString(), "-f", a.toString(), "-q").code());
        double real = Files.size(a) / 1024.0, estimate = Double.parseDouble(est);
        assertTrue(estimate >= real * 0.9 && estimate <= real * 1.3, "estimate " + estimate + " KiB, archive " + real + " KiB");
    }
}
