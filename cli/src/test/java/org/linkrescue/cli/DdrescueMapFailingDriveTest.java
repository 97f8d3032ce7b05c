package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.cli.CliTestSupport.run;
import static org.linkrescue.cli.MigrateRescueFailingDriveTest.file;
import static org.linkrescue.cli.MigrateRescueFailingDriveTest.link;
import static org.linkrescue.cli.MigrateRescueFailingDriveTest.sha256;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.testdata.DdrescueImage;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;
import org.linkrescue.testdata.SnapshotTree;
import org.linkrescue.testdata.SnapshotTreeGenerator;

/**
 * A snapshot drive imaged by real GNU ddrescue (root only; CI fails on a skip): an ext4 file
 * system with a hard-linked snapshot tree, the drive served through FUSE with EIO for chosen
 * sectors, ddrescue's copy loop-mounted read-only with its real mapfile. On ext4 the unread
 * sectors come back as zeros without an error: a migrate of the copy exits 0 with zeros in two
 * files (the problem, measured first). With --ddrescue-map the same sectors are bad ranges of
 * their inodes: one linked in three snapshots is rescued from the mirror for all its paths, one
 * with no copy anywhere is zero-filled exactly where the mapfile says and reported with both its
 * paths, and nothing else is touched (GNU find as the oracle).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DdrescueMapFailingDriveTest {
    Path work, source, mirror, original, map;
    DdrescueImage img;
    String s1, s2, s3;
    List<String> expected;
    byte[] linked, nocopy, big;
    /** File bytes the chosen sectors hit: linked.bin one sector in block 20 and all of block 60; nocopy.bin two sectors. */
    static final long LINKED_SECTOR = 81920 + 1024, LINKED_BLOCK = 245760, NOCOPY_LOST = 49664;
    /** A file past the 16 MiB read-ahead, copied chunk by chunk inside the kernel: one sector of it lost. */
    static final long BIG_LOST = (9L << 20) + 1024;
    long freeArea, inodeTableEnd;

    @BeforeAll void imageADyingDriveWithDdrescue() throws Exception {
        String why = DdrescueImage.unavailableReason(DdrescueImage.FileSystem.EXT4);
        Assumptions.assumeTrue(why == null, "ddrescue image tests skipped: " + why);
        work = Files.createTempDirectory("lr-ddrescue-");
        SnapshotTree gen = new SnapshotTreeGenerator().snapshots(3).filesPerSnapshot(20).longPath(false).mirrorAfter(3)
                .generate(work.resolve("gen"));
        s1 = gen.snapshotNames().get(0);
        s2 = gen.snapshotNames().get(1);
        s3 = gen.snapshotNames().get(2);
        mirror = gen.mirror().orElseThrow();
        original = gen.original();
        img = DdrescueImage.create(work.resolve("img"), DdrescueImage.FileSystem.EXT4, false);
        source = img.root().resolve("backups");
        Files.createDirectories(source);
        CliTestSupport.sh(null, "cp", "-a", gen.source() + "/.", source.toString());

        linked = FailingDrive.pattern("linked.bin", 300_000);
        Path l1 = file(source.resolve(s1 + "/rescue/linked.bin"), linked);
        link(l1, source.resolve(s2 + "/rescue/linked.bin"));
        link(l1, source.resolve(s3 + "/rescue/linked.bin"));
        file(mirror.resolve(s1 + "/rescue/linked.bin"), linked);
        nocopy = FailingDrive.pattern("nocopy.bin", 120_000);
        Path c2 = file(source.resolve(s2 + "/rescue/nocopy.bin"), nocopy);
        link(c2, source.resolve(s3 + "/rescue/nocopy.bin"));
        big = FailingDrive.pattern("big.bin", (20 << 20) + 100);
        Path b1 = file(source.resolve(s1 + "/rescue/big.bin"), big);
        link(b1, source.resolve(s2 + "/rescue/big.bin"));
        file(mirror.resolve(s1 + "/rescue/big.bin"), big);
        expected = FindListing.of(source);

        img.failSectors(img.deviceByteOf(l1, LINKED_SECTOR), 512)
                .failSectors(img.deviceByteOf(l1, LINKED_BLOCK), 4096)
                .failSectors(img.deviceByteOf(c2, NOCOPY_LOST), 1024)
                .failSectors(img.deviceByteOf(b1, BIG_LOST), 512);
        freeArea = 60L << 20; // the last MiBs of a 64 MiB ext4 hold no data this small tree needs
        img.failSectors(freeArea, 8192);
        // the last sector of the inode table (dumpe2fs, the oracle: "Inode table at 41-1064"): inodes nobody uses yet
        String groups = CliTestSupport.sh(null, "dumpe2fs", img.driveDevice());
        inodeTableEnd = (Long.parseLong(groups.replaceAll("(?s).*Inode table at \\d+-(\\d+).*", "$1")) + 1) * 4096;
        img.failSectors(inodeTableEnd - 512, 512);
        map = img.rescue();
        source = img.mounted().resolve("backups");
    }

    @AfterAll void removeTheImages() throws Exception {
        if (img != null) img.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    byte[] zeroed(byte[] data, long from, long to) {
        byte[] z = data.clone();
        Arrays.fill(z, (int) from, (int) to, (byte) 0);
        return z;
    }

    String mapText() throws Exception { return Files.readString(map, StandardCharsets.ISO_8859_1); }

    @Test void t01_withoutTheMapTheCopyCarriesSilentZerosAndExits0() throws Exception {
        assertTrue(mapText().contains("  -\n"), "ddrescue recorded bad sectors:\n" + mapText());
        Path target = work.resolve("silent");
        CliTestSupport.Result r = run("migrate", source.toString(), target.toString(), "--alternate", "mirror=" + mirror);
        assertEquals(0, r.code(), r.err());
        byte[] got = Files.readAllBytes(target.resolve(s3 + "/rescue/linked.bin"));
        assertFalse(Arrays.equals(linked, got), "the image holds zeros where ddrescue could not read");
        assertArrayEquals(zeroed(zeroed(linked, LINKED_SECTOR, LINKED_SECTOR + 512), LINKED_BLOCK, LINKED_BLOCK + 4096), got);
    }

    @Test void t02_withTheMapEveryHitInodeIsRescuedOrReportedAndNothingElseTouched() throws Exception {
        Path target = work.resolve("mapped");
        Path report = work.resolve("mapped.json");
        CliTestSupport.Result r = run("migrate", source.toString(), target.toString(), "--ddrescue-map", map.toString(),
                "--alternate", "mirror=" + mirror, "--alternate", "original=" + original, "--report", report.toString());
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().contains("linkrescue: ddrescue map: "), r.err());

        // the inode linked in three snapshots: from the mirror, once, for all its paths, links kept
        Path a = target.resolve(s1 + "/rescue/linked.bin");
        assertArrayEquals(linked, Files.readAllBytes(a));
        assertEquals(Files.getAttribute(a, "unix:ino"), Files.getAttribute(target.resolve(s3 + "/rescue/linked.bin"), "unix:ino"));
        String json = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"paths\":[\"" + s1 + "/rescue/linked.bin\",\"" + s2 + "/rescue/linked.bin\",\""
                + s3 + "/rescue/linked.bin\"]"), json);
        assertTrue(json.contains("\"badRanges\":[\"" + LINKED_SECTOR + "-" + (LINKED_SECTOR + 511) + "\",\""
                + LINKED_BLOCK + "-" + (LINKED_BLOCK + 4095) + "\"]"), json);
        assertTrue(json.contains("\"from\":\"mirror:" + mirror + "/" + s1 + "/rescue/linked.bin\""), json);
        assertTrue(json.contains("not rescued by ddrescue: '-' bad sector"), json);

        // no copy anywhere: zeros exactly where the mapfile says, both paths named
        byte[] want = zeroed(nocopy, NOCOPY_LOST, NOCOPY_LOST + 1024);
        assertArrayEquals(want, Files.readAllBytes(target.resolve(s3 + "/rescue/nocopy.bin")));
        assertTrue(json.contains("\"paths\":[\"" + s2 + "/rescue/nocopy.bin\",\"" + s3 + "/rescue/nocopy.bin\"]"), json);
        assertTrue(json.contains("\"bytesLost\":1024"), json);
        assertTrue(r.err().contains(s2 + "/rescue/nocopy.bin"), r.err());

        // every other path, byte, mode, time and link exactly the source's
        List<String> wantListing = new ArrayList<>();
        for (String line : expected) {
            if (line.contains("/rescue/nocopy.bin |"))
                line = line.replace(sha256(nocopy), sha256(want));
            wantListing.add(line);
        }
        assertEquals(String.join("\n", wantListing), String.join("\n", FindListing.of(target)));
        // the large file: the sector, exactly, from the mirror, for both its paths
        assertArrayEquals(big, Files.readAllBytes(target.resolve(s2 + "/rescue/big.bin")));
        assertTrue(json.contains("\"paths\":[\"" + s1 + "/rescue/big.bin\",\"" + s2 + "/rescue/big.bin\"]"), json);
        assertTrue(json.contains("\"badRanges\":[\"" + BIG_LOST + "-" + (BIG_LOST + 511) + "\"]"), json);
        assertTrue(json.contains("\"damagedInodes\":3"), json);
    }

    /**
     * scan --ddrescue-map names both inodes with every path and their lost ranges, without
     * reading a byte of file data (fincore: not one page of any file in the cache after it),
     * and the unrescued area no file holds as free space (debugfs testb, the oracle, agrees).
     */
    @Test void t03_scanListsTheDamagedInodesWithAllPathsWithoutReadingData() throws Exception {
        FailingDrive.dropCaches();
        Path json = work.resolve("scan.json");
        CliTestSupport.Result r = run("scan", source.toString(), "--ddrescue-map", map.toString(), "--json", json.toString());
        assertEquals(3, r.code(), r.err());
        String cached = CliTestSupport.sh(null, "bash", "-c", "find \"$1\" -type f -exec fincore --bytes --noheadings --output RES {} + | sort -u",
                "bash", source.toString());
        assertEquals("0", cached.strip(), "file pages in the cache after the scan");
        String j = Files.readString(json, StandardCharsets.UTF_8);
        assertTrue(j.contains("\"paths\":[\"" + s1 + "/rescue/linked.bin\",\"" + s2 + "/rescue/linked.bin\",\""
                + s3 + "/rescue/linked.bin\"],\"badRanges\":[\"" + LINKED_SECTOR + "-" + (LINKED_SECTOR + 511) + "\",\""
                + LINKED_BLOCK + "-" + (LINKED_BLOCK + 4095) + "\"]"), j);
        assertTrue(j.contains("\"paths\":[\"" + s2 + "/rescue/nocopy.bin\",\"" + s3 + "/rescue/nocopy.bin\"],\"badRanges\":[\""
                + NOCOPY_LOST + "-" + (NOCOPY_LOST + 1023) + "\"]"), j);
        assertTrue(j.contains("{\"deviceRange\":\"" + (inodeTableEnd - 512) + "-" + (inodeTableEnd - 1)
                + "\",\"status\":\"-\",\"owner\":\"inode table (the inodes' own metadata)\",\"free\":false}"), j);
        assertTrue(j.contains("{\"deviceRange\":\"" + freeArea + "-" + (freeArea + 8191) + "\",\"status\":\"-\",\"owner\":\"free space\",\"free\":true}"), j);
        String testb = CliTestSupport.sh(null, "debugfs", "-R", "testb " + (freeArea / 4096) + " 2", img.rescuedImage().toString());
        assertTrue(testb.contains("Block " + (freeArea / 4096) + " not in use") && testb.contains("Block " + (freeArea / 4096 + 1) + " not in use"), testb);
    }

    /**
     * verify of the rescued copy against the image: without the map, the spliced bytes look like
     * differences (the image holds zeros there); with it, what ddrescue never read is
     * unverifiable, and the rest is proved identical.
     */
    @Test void t04_verifyCallsWhatTheMapfileLostUnverifiableNotDifferent() throws Exception {
        Path target = work.resolve("verified");
        CliTestSupport.Result m = run("migrate", source.toString(), target.toString(), "--ddrescue-map", map.toString(),
                "--alternate", "mirror=" + mirror, "-q");
        assertEquals(3, m.code(), m.err());
        CliTestSupport.Result plain = run("verify", source.toString(), target.toString());
        assertEquals(4, plain.code(), plain.outText() + plain.err());
        assertTrue(plain.outText().contains("2024-01-01/rescue/linked.bin: first differing byte at offset " + LINKED_SECTOR), plain.outText());
        CliTestSupport.Result mapped = run("verify", source.toString(), target.toString(), "--ddrescue-map", map.toString());
        assertEquals(0, mapped.code(), mapped.outText() + mapped.err());
        assertTrue(mapped.outText().contains("unverifiable    7 paths, 16,896 bytes SOURCE cannot read"), mapped.outText());
        assertTrue(mapped.outText().contains(s1 + "/rescue/linked.bin: bytes " + LINKED_SECTOR + "-" + (LINKED_SECTOR + 511) + ", "
                + LINKED_BLOCK + "-" + (LINKED_BLOCK + 4095) + "\n"), mapped.outText());
        assertTrue(mapped.outText().contains(s2 + "/rescue/nocopy.bin: bytes " + NOCOPY_LOST + "-" + (NOCOPY_LOST + 1023) + "\n"), mapped.outText());
    }

    /**
     * Without the mapfile, a cross-check against the mirror finds the same holes where a copy
     * exists: the inode linked in three snapshots, all its paths, SOURCE holding the zeros, and
     * migrate --cross-check splices them; the inode with no copy is counted, not compared (only the
     * mapfile knows its hole).
     */
    @Test void t05_withoutTheMapACrossCheckFindsTheHolesWhereACopyExists() throws Exception {
        CliTestSupport.Result s = run("scan", source.toString(), "--cross-check", "--alternate", "mirror=" + mirror);
        assertEquals(3, s.code(), s.outText() + s.err());
        String out = s.outText();
        assertTrue(out.contains(LINKED_SECTOR + "-" + (LINKED_SECTOR + 511) + ": ") && out.contains("SOURCE holds zeros"), out);
        assertTrue(out.contains("      " + s1 + "/rescue/linked.bin\n      " + s2 + "/rescue/linked.bin\n      " + s3
                + "/rescue/linked.bin\n"), out);
        assertFalse(out.contains("nocopy.bin"), "no copy of it: not compared\n" + out);
        assertTrue(out.contains(" 2 disagree;"), out); // linked.bin and big.bin: nocopy.bin has no copy

        Path target = work.resolve("cross-checked");
        CliTestSupport.Result m = run("migrate", source.toString(), target.toString(), "--cross-check", "--alternate", "mirror=" + mirror);
        assertEquals(0, m.code(), m.err());
        assertArrayEquals(linked, Files.readAllBytes(target.resolve(s2 + "/rescue/linked.bin")));
    }
}
