package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.cli.CliTestSupport.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;

/**
 * `linkrescue repair` end to end on a REAL failing btrfs drive (root only; CI fails on a skip):
 * the exit code, the plan of --dry-run, the JSON report, and --from-scan.
 */
class RepairCommandFailingDriveTest {
    static final Instant MTIME = Instant.ofEpochSecond(1_700_000_000L, 5);
    Path work, root;
    FailingDrive drive;
    byte[] a;
    long inoA, inoLost;

    @BeforeEach void buildTheDrive() throws Exception {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
        work = Files.createTempDirectory("lr-repair-cli-");
        drive = FailingDrive.create(work);
        root = drive.root();
        a = FailingDrive.pattern("cli a.bin", 150_000);
        Path pa = file(root.resolve("s1/a.bin"), a);
        Files.createDirectories(root.resolve("s2"));
        Files.createLink(root.resolve("s2/a.bin"), pa);
        Path pl = file(root.resolve("s2/lost.bin"), FailingDrive.pattern("cli lost.bin", 100_000));
        file(work.resolve("mirror/s1/a.bin"), a);
        drive.corruptBlock(pa, 65536);
        drive.corruptBlock(pl, 4096);
        drive.breakBlocks();
        CliTestSupport.sh(null, "mount", "-o", "remount,rw", root.toString());
        FailingDrive.dropCaches();
        inoA = (Long) Files.getAttribute(pa, "unix:ino");
        inoLost = (Long) Files.getAttribute(pl, "unix:ino");
    }

    @AfterEach void removeTheDrive() throws Exception {
        if (drive != null) drive.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    static Path file(Path p, byte[] data) throws Exception {
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        Files.setLastModifiedTime(p, FileTime.from(MTIME));
        return p;
    }

    @Test
    void dryRunPrintsThePlanThenRepairFixesWhatItCanAndExits3ForTheRest() throws Exception {
        String mirror = "mirror=" + work.resolve("mirror");
        CliTestSupport.Result dry = run("repair", root.toString(), "--alternate", mirror, "--dry-run");
        assertEquals(3, dry.code(), dry.err());
        assertTrue(dry.outText().contains("would write a new inode from mirror:"), dry.outText());
        assertEquals(inoA, (Long) Files.getAttribute(root.resolve("s1/a.bin"), "unix:ino"));

        Path report = work.resolve("report.json");
        CliTestSupport.Result r = run("repair", root.toString(), "--alternate", mirror, "--report", report.toString());
        assertEquals(3, r.code(), "lost.bin has no good copy: " + r.err());
        assertTrue(r.err().contains("s2/lost.bin"), r.err());
        long newIno = (Long) Files.getAttribute(root.resolve("s1/a.bin"), "unix:ino");
        assertNotEquals(inoA, newIno);
        assertEquals(newIno, (Long) Files.getAttribute(root.resolve("s2/a.bin"), "unix:ino"));
        assertEquals(2, (Integer) Files.getAttribute(root.resolve("s2/a.bin"), "unix:nlink"));
        FailingDrive.dropCaches();
        assertArrayEquals(a, Files.readAllBytes(root.resolve("s2/a.bin")));
        String json = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"status\":\"repaired\",\"oldIno\":" + inoA + ",\"newIno\":" + newIno), json);
        assertTrue(json.contains("\"moved\":[\"s1/a.bin\",\"s2/a.bin\"]"), json);
        assertTrue(json.contains("\"status\":\"no-candidate\",\"oldIno\":" + inoLost), json);

        // --from-scan: a.bin's old inode is gone (repaired), lost.bin is still without a copy.
        Path scan = Files.writeString(work.resolve("scan.json"),
                "{\"damaged\":[{\"ino\":" + inoA + "},{\"ino\":" + inoLost + ",\"size\":100000}]}");
        CliTestSupport.Result again = run("repair", root.toString(), "--alternate", mirror, "--from-scan", scan.toString());
        assertEquals(3, again.code(), again.err());
        assertTrue(again.err().contains("damaged inode " + inoA + ": no path under SOURCE names it"), again.err());
        assertEquals(inoLost, (Long) Files.getAttribute(root.resolve("s2/lost.bin"), "unix:ino"));
    }
}
