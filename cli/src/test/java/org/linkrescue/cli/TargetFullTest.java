package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.testdata.TreeListing;

/**
 * A target that fills up (issue 15): a size-limited tmpfs, for real ENOSPC. The run stops the
 * way a signal stops it, with exit 1 and one line (the target is full; what is done; free space,
 * then the command that resumes), the report marked "interrupted"; the rescue map's last
 * checkpoint still fits (its space is reserved ahead). Grown, the same target takes the rest
 * with --resume, and the tree is the source's. Root only (mount); CI runs it as root.
 */
class TargetFullTest {
    Path dir, mnt;

    @BeforeEach void smallTmpfs() throws Exception {
        Assumptions.assumeTrue(Posix.isRoot(), "needs root (mounts a size-limited tmpfs)");
        dir = CliTestSupport.scratch();
        mnt = dir.resolve("small");
        Files.createDirectories(mnt);
        CliTestSupport.sh(null, "mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", mnt.toString());
    }

    @AfterEach void unmount() throws Exception {
        if (mnt != null) CliTestSupport.sh(null, "umount", mnt.toString());
        CliTestSupport.remove(dir);
    }

    @Test
    void t01_aFullTargetStopsWithExit1AndOneLine_grownItTakesTheRestWithResume() throws Exception {
        Path src = LinkFarm.build(dir.resolve("src"), 4, 40, 60, 21); // ~15 MB unique: does not fit 6 MB
        Path target = mnt.resolve("copy"), report = dir.resolve("r.json");
        CliTestSupport.Result r = CliTestSupport.run("migrate", src.toString(), target.toString(), "-q", "--report", report.toString(),
                "--force"); // fills the small tmpfs on purpose: past the room check
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("linkrescue: migrate stopped: the target is full: "), r.err());
        assertTrue(r.err().contains("ENOSPC"), r.err());
        assertTrue(r.err().contains("free some space, then resume with: linkrescue migrate " + src + " " + target), r.err());
        String json = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"outcome\":\"interrupted\"") && json.contains("\"by\":\"target-full\""), json);

        CliTestSupport.sh(null, "mount", "-o", "remount,size=64m", mnt.toString());
        CliTestSupport.Result resumed = CliTestSupport.run("migrate", src.toString(), target.toString(), "-q", "--report",
                report.toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(List.of(), TreeListing.of(src).diff(TreeListing.of(target)));
        assertFalse(Files.exists(target.resolve(".linkrescue-map")));
    }
}
