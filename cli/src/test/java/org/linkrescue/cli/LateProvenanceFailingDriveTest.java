package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.cli.CliTestSupport.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;

/**
 * Files larger than the 16 MiB read-ahead, damaged on a REAL failing drive (btrfs checksum
 * failures; root only, CI fails on a skip): their tar header is written before the damage is
 * found, so their provenance follows their data as late records. `extract` must report them as
 * it reports provenance from a header (WARN line, markedEntries, exit 3); GNU tar and bsdtar
 * must extract the tree migrate makes; `migrate --archive-copy` must write the very archive
 * `archive` writes; `verify --archive` must read it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LateProvenanceFailingDriveTest {
    static final long SEC = 1_700_000_000L;
    static final int NSEC = 123_456_789;
    static final int MiB = 1 << 20;

    Path work, source, mirror, tar, report;
    FailingDrive drive;
    long lostAt, splicedAt;
    CliTestSupport.Result archived;

    @BeforeAll void archiveAFailingDrive() throws Exception {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
        work = Files.createTempDirectory("lr-late-");
        drive = FailingDrive.create(work);
        source = drive.root().resolve("backups");
        mirror = work.resolve("mirror");

        Path lost = file(source.resolve("2024-01-01/big.bin"), FailingDrive.pattern("big.bin", 20 * MiB));
        Files.createDirectories(source.resolve("2024-01-02"));
        Files.createLink(source.resolve("2024-01-02/big.bin"), lost);
        byte[] huge = FailingDrive.pattern("huge.bin", 17 * MiB + 100);
        Path spliced = file(source.resolve("2024-01-02/huge.bin"), huge);
        file(mirror.resolve("2024-01-02/huge.bin"), huge);
        Path small = file(source.resolve("2024-01-02/small.bin"), FailingDrive.pattern("small.bin", 200_000));
        file(source.resolve("2024-01-02/plain.txt"), "plain".getBytes(StandardCharsets.ISO_8859_1));
        Posix.lutimensAt(Posix.AT_FDCWD, Names.bytes(source.resolve("2024-01-02").toString()), SEC, 0, SEC, 0);

        lostAt = drive.corruptBlock(lost, 12 * MiB + 5);
        splicedAt = drive.corruptBlock(spliced, 5 * MiB);
        drive.corruptBlock(small, 8192);
        drive.breakBlocks();

        tar = work.resolve("rescued.tar");
        report = work.resolve("archive.json");
        archived = run("archive", source.toString(), "-f", tar.toString(), "--alternate", "mirror=" + mirror,
                "--report", report.toString());
    }

    @AfterAll void removeTheDrive() throws Exception {
        if (drive != null) drive.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    static Path file(Path p, byte[] data) throws Exception {
        return CliTestSupport.writeFile(p, data, SEC, NSEC);
    }

    @Test void t01_extractReportsTheLateRecordsLikeHeaderOnes_warnLineMarkedEntriesAndExit3() throws Exception {
        assertEquals(3, archived.code(), archived.err());
        Path out = work.resolve("by-extract");
        Path rep = work.resolve("extract.json");
        CliTestSupport.Result x = run("extract", "-f", tar.toString(), "-C", out.toString(), "--report", rep.toString());
        assertEquals(3, x.code(), x.err());
        assertTrue(x.err().contains("WARN 2024-01-01/big.bin: the archive marks this file as damaged: 4096 bytes were lost"), x.err());
        assertTrue(x.err().contains("WARN 2024-01-02/small.bin: the archive marks this file as damaged: 4096 bytes were lost"), x.err());
        String json = Files.readString(rep, StandardCharsets.UTF_8);
        assertTrue(json.contains("{\"path\":\"2024-01-01/big.bin\",\"damaged\":true,\"ranges\":[{\"offset\":0,\"length\":" + lostAt
                + ",\"origin\":\"source\"},{\"offset\":" + lostAt + ",\"length\":4096,\"origin\":\"zero\"},"), json);
        assertTrue(json.contains("{\"path\":\"2024-01-02/huge.bin\",\"damaged\":false,\"ranges\":[{\"offset\":0,\"length\":" + splicedAt
                + ",\"origin\":\"source\"},{\"offset\":" + splicedAt + ",\"length\":4096,\"origin\":\"mirror:" + mirror
                + "/2024-01-02/huge.bin\"}"), json);
        assertTrue(json.contains("\"damagedInodes\":2"), json);
        assertTrue(json.contains("\"exitCode\":3"), json);
        byte[] got = Files.readAllBytes(out.resolve("2024-01-02/big.bin"));
        byte[] want = FailingDrive.pattern("big.bin", 20 * MiB);
        java.util.Arrays.fill(want, (int) lostAt, (int) lostAt + 4096, (byte) 0);
        assertArrayEquals(want, got);
        assertArrayEquals(FailingDrive.pattern("huge.bin", 17 * MiB + 100), Files.readAllBytes(out.resolve("2024-01-02/huge.bin")));
    }

    @Test void t02_gnuTarBsdtarAndExtractMakeTheTreeMigrateMakes_andArchiveCopyIsTheSameArchive() throws Exception {
        Path target = work.resolve("migrated"), copy = work.resolve("copy.tar");
        FailingDrive.dropCaches();
        CliTestSupport.Result m = run("migrate", source.toString(), target.toString(), "--archive-copy", copy.toString(),
                "--alternate", "mirror=" + mirror);
        assertEquals(3, m.code(), m.err());
        assertEquals(-1, Files.mismatch(tar, copy), "migrate --archive-copy writes the bytes archive writes");
        List<String> migrated = FindListing.of(target);

        Path g = Files.createDirectories(work.resolve("by-gnu-tar"));
        String gnuSays = CliTestSupport.sh(null, "tar", "-C", g.toString(), "-xpf", tar.toString());
        assertFalse(gnuSays.contains("LINKRESCUE.late"), gnuSays);
        MigrateRescueFailingDriveTest.sameListing(migrated, FindListing.of(g), "GNU tar");

        Path b = Files.createDirectories(work.resolve("by-bsdtar"));
        assertEquals("", CliTestSupport.sh(null, "bsdtar", "-C", b.toString(), "-xpf", tar.toString()));
        List<String> byBsdtar = FindListing.of(b);
        MigrateRescueFailingDriveTest.sameListing(migrated.subList(1, migrated.size()), byBsdtar.subList(1, byBsdtar.size()), "bsdtar");

        Path ours = work.resolve("by-extract-2");
        run("extract", "-f", tar.toString(), "-C", ours.toString());
        MigrateRescueFailingDriveTest.sameListing(migrated, FindListing.of(ours), "extract");
    }

    /**
     * The late headers are neither entries nor errors to verify: every path is compared, none is
     * extra, and the only bytes not compared are the ones the drive cannot read.
     */
    @Test void t03_verifyArchiveReadsPastTheLateRecords() throws Exception {
        FailingDrive.dropCaches();
        CliTestSupport.Result v = run("verify", "-q", "--archive", tar.toString(), source.toString());
        String said = v.outText() + v.err();
        assertEquals(0, v.code(), said);
        assertTrue(said.contains("IDENTICAL: 8 paths compared with the archive, 0 differences, 0 errors"), said);
        assertTrue(said.contains("2024-01-01/big.bin: bytes " + lostAt + "-" + (lostAt + 4095)), said);
        assertTrue(said.contains("2024-01-02/huge.bin: bytes " + splicedAt + "-" + (splicedAt + 4095)), said);
    }
}
