package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.testdata.Commands;
import org.linkrescue.testdata.FailingDrive;

/**
 * A directory whose listing the drive cannot read for real: a btrfs image with metadata in one
 * copy and a broken fs-tree leaf holding the directory's index (getdents: EIO). Before, it was
 * created empty with the source's mode and mtime, its 402 paths neither named nor counted, the
 * mirror unused. Now it is reported, counted, and filled from the mirror, every file proven to
 * be the inode the previous snapshot read from the drive and linked to it.
 */
class UnreadableDirFailingDriveTest {
    static final int NAMES = 402;
    @TempDir Path tmp;

    @BeforeEach void rootOnly() {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
    }

    @Test void t01_aDirectoryWhoseListingFailsIsFilledFromTheMirrorAndLinkedAsOnTheDrive() throws Exception {
        try (FailingDrive d = FailingDrive.createSingleMetadata(tmp)) {
            Path docs = Files.createDirectories(d.root().resolve("2024-01-01/docs"));
            for (int i = 0; i < NAMES; i++) Files.writeString(docs.resolve(String.format("report-%03d.txt", i)), "report " + i + "\n");
            Commands.run(d.root().toFile().toPath(), "cp", "-al", "2024-01-01", "2024-01-02");
            Files.writeString(d.root().resolve("2024-01-02/new.txt"), "new on the second day");
            Path mirror = tmp.resolve("mirror");
            Commands.run(null, "cp", "-a", d.root().toString(), mirror.toString());
            d.breakListing(d.root().resolve("2024-01-02/docs"));
            d.breakBlocks();
            assertThrows(java.io.UncheckedIOException.class, () -> { try (var s = Files.list(d.root().resolve("2024-01-02/docs"))) { s.count(); } },
                    "the fault is real: the listing fails");

            Path rep = tmp.resolve("r.json");
            CliTestSupport.Result r = CliTestSupport.run("migrate", d.root().toString(), tmp.resolve("copy").toString(),
                    "--alternate", "mirror=" + mirror, "--report", rep.toString());
            assertEquals(3, r.code(), r.err());
            assertTrue(r.err().contains("FAILED 2024-01-02/docs: cannot read directory: EIO"), r.err());
            assertTrue(r.err().contains("WARN 2024-01-02/docs: filled from mirror:" + mirror + "/2024-01-02/docs: " + NAMES
                    + " paths, " + NAMES + " verified against the drive, 0 copied unverified"), r.err());
            for (int i = 0; i < NAMES; i += 50) {
                String n = String.format("docs/report-%03d.txt", i);
                assertEquals("report " + i + "\n", Files.readString(tmp.resolve("copy/2024-01-02/" + n)));
                assertEquals(Files.getAttribute(tmp.resolve("copy/2024-01-01/" + n), "unix:ino"),
                        Files.getAttribute(tmp.resolve("copy/2024-01-02/" + n), "unix:ino"), n + ": one inode, as on the drive");
            }
            assertEquals("new on the second day", Files.readString(tmp.resolve("copy/2024-01-02/new.txt")));
            String json = Files.readString(rep, StandardCharsets.UTF_8);
            assertTrue(json.contains("\"unreadableDirs\":1"), json);
            assertTrue(json.contains("\"pathsFilled\":" + NAMES + ",\"pathsVerified\":" + NAMES + ",\"pathsUnverified\":0"), json);
        }
    }
}
