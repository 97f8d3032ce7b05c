package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.cli.CliTestSupport.Result;

/** Where the copy goes, against where it comes from: never into itself (issue 18.1). */
class SourceAndTargetTest {
    @TempDir Path dir;
    Path snaps;

    @BeforeEach void tree() throws Exception {
        snaps = dir.resolve("snaps");
        Files.createDirectories(snaps.resolve("d1/a"));
        Files.writeString(snaps.resolve("d1/a/f"), "data");
        Files.createDirectories(snaps.resolve("d2"));
        Files.createLink(snaps.resolve("d2/f"), snaps.resolve("d1/a/f"));
    }

    @Test void t01_aTargetInsideTheSourceIsRefusedBeforeAnythingIsMade() throws Exception {
        Result r = CliTestSupport.run("migrate", snaps.toString(), snaps.resolve("copy").toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("linkrescue: target '" + snaps.resolve("copy") + "' is inside source '" + snaps
                + "': the copy would copy itself; choose a TARGET outside SOURCE\n", r.err());
        assertFalse(Files.exists(snaps.resolve("copy")));
    }

    @Test void t02_aTargetReachedThroughASymlinkIsJudgedByWhereItIs() throws Exception {
        Files.createSymbolicLink(dir.resolve("elsewhere"), snaps.resolve("d1"));
        Result r = CliTestSupport.run("migrate", snaps.toString(), dir.resolve("elsewhere/new/deeper").toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("is inside source"), r.err());
        Result dots = CliTestSupport.run("migrate", dir.resolve("snaps/d1/..").toString(), dir.resolve("snaps/d2/x").toString());
        assertEquals(2, dots.code(), dots.err());
    }

    @Test void t03_aSourceInsideTheTargetOrTheSameDirectoryIsRefused() throws Exception {
        Result r = CliTestSupport.run("migrate", snaps.resolve("d1").toString(), snaps.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("source '" + snaps.resolve("d1") + "' is inside target '" + snaps + "'"), r.err());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Result same = CliTestSupport.run("migrate", empty.toString(), empty.toString());
        assertEquals(2, same.code(), same.err());
        Result beside = CliTestSupport.run("migrate", snaps.toString(), dir.resolve("snaps-copy").toString(), "-q");
        assertEquals(0, beside.code(), "a sibling whose name starts the same is not inside: " + beside.err());
    }

    @Test void t04_theArchiveBeingWrittenIsLeftOutWithAWarningAsGnuTarDoes() throws Exception {
        Path self = snaps.resolve("self.tar");
        Result r = CliTestSupport.run("archive", snaps.toString(), "-f", self.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("linkrescue: WARN self.tar.partial: file is the archive; not dumped\n"), r.err());
        String listing = CliTestSupport.sh(null, "tar", "-tf", self.toString());
        assertFalse(listing.contains("self.tar"), listing);
        assertTrue(listing.contains("d2/f"), listing);
    }

    @Test void t05_theArchiveCopyOfAMigrateIsLeftOutToo() throws Exception {
        Path copy = snaps.resolve("copy.tar");
        Result r = CliTestSupport.run("migrate", snaps.toString(), dir.resolve("new").toString(), "--archive-copy", copy.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("WARN copy.tar.partial: file is the archive; not dumped"), r.err());
        assertFalse(Files.exists(dir.resolve("new/copy.tar")));
    }
}
