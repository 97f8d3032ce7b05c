package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.cli.CliTestSupport.Result;

/** --exclude and --exclude-from on every command that walks a tree (issue 18). */
class ExcludeTest {
    @TempDir Path dir;
    Path snaps, list;

    @BeforeEach void tree() throws Exception {
        snaps = dir.resolve("snaps");
        for (String s : new String[] {"2024-01-01", "2024-01-02"}) {
            Files.createDirectories(snaps.resolve(s + "/home/.cache/thumbs"));
            Files.writeString(snaps.resolve(s + "/home/.cache/thumbs/t1"), "thumb");
            Files.writeString(snaps.resolve(s + "/home/scratch.tmp"), "tmp");
        }
        Files.writeString(snaps.resolve("2024-01-01/home/notes"), "notes");
        Files.createLink(snaps.resolve("2024-01-02/home/notes"), snaps.resolve("2024-01-01/home/notes"));
        list = Files.writeString(dir.resolve("exclude.txt"), "*.tmp\n\n");
    }

    @Test void t01_migrateLeavesOutWhatIsExcluded_andVerifyWithTheSamePatternsFindsTheCopyIdentical() throws Exception {
        Path t = dir.resolve("new");
        Result m = CliTestSupport.run("migrate", snaps.toString(), t.toString(), "--exclude", ".cache", "--exclude-from", list.toString());
        assertEquals(0, m.code(), m.err());
        assertTrue(Files.exists(t.resolve("2024-01-02/home/notes")));
        assertFalse(Files.exists(t.resolve("2024-01-01/home/.cache")));
        assertFalse(Files.exists(t.resolve("2024-01-02/home/scratch.tmp")));
        assertTrue(m.err().contains(": 7 paths ("), "the summary counts only what was copied: " + m.err());
        Result same = CliTestSupport.run("verify", snaps.toString(), t.toString(), "--exclude", ".cache", "--exclude-from", list.toString());
        assertEquals(0, same.code(), same.outText() + same.err());
        Result all = CliTestSupport.run("verify", snaps.toString(), t.toString(), "--exclude", ".cache");
        assertEquals(4, all.code(), all.outText());
        assertTrue(all.outText().contains("2024-01-01/home/scratch.tmp: file in SOURCE, not in TARGET"), all.outText());
    }

    @Test void t02_archiveAndVerifyArchiveTakeThePatternsToo() throws Exception {
        Path a = dir.resolve("a.tar");
        assertEquals(0, CliTestSupport.run("archive", snaps.toString(), "-f", a.toString(), "--exclude", "*/.cache").code());
        String listing = CliTestSupport.sh(null, "tar", "-tf", a.toString());
        assertFalse(listing.contains(".cache"), listing);
        assertTrue(listing.contains("scratch.tmp"), listing);
        Result v = CliTestSupport.run("verify", "--archive", a.toString(), snaps.toString(), "--exclude", "*/.cache");
        assertEquals(0, v.code(), v.outText() + v.err());
        Result missing = CliTestSupport.run("verify", "--archive", a.toString(), snaps.toString());
        assertEquals(4, missing.code(), missing.outText());
    }

    @Test void t03_scanCountsOnlyWhatIsKept() throws Exception {
        Result all = CliTestSupport.run("scan", snaps.toString());
        Result some = CliTestSupport.run("scan", snaps.toString(), "--exclude", ".cache");
        assertEquals(0, some.code(), some.err());
        assertTrue(all.outText().contains("15 paths"), all.outText());
        assertTrue(some.outText().contains("9 paths"), some.outText());
    }

    @Test void t04_anExcludeFromFileThatCannotBeReadIsAUsageErrorBeforeAnythingIsMade() {
        Result r = CliTestSupport.run("migrate", snaps.toString(), dir.resolve("new").toString(), "--exclude-from", dir.resolve("nope").toString());
        assertEquals(2, r.code());
        assertEquals("linkrescue: --exclude-from '" + dir.resolve("nope") + "': no such file or directory\n", r.err());
        assertFalse(Files.exists(dir.resolve("new")));
    }
}
