package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.cli.CliTestSupport.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;
import org.linkrescue.testdata.SnapshotTree;
import org.linkrescue.testdata.SnapshotTreeGenerator;

/**
 * `linkrescue migrate` with alternates on a REAL failing drive (root only; CI fails on a skip):
 * a generated snapshot tree copied onto a btrfs image with cp -a (links kept), plus files for
 * each rescue case, blocks broken under their checksums, then one migrate. The cases of issue 3:
 * an inode linked in every snapshot recovered from the mirror once for all its paths; a file
 * only in the newest snapshot recovered from the original; a mirror copy under a rotated
 * snapshot name; a candidate whose readable bytes differ rejected and the next one used; no good
 * copy anywhere: zeros, every path in the report, exit 3; a first block bad; and every other
 * file and the inode partition exactly the source's (GNU find as the oracle).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrateRescueFailingDriveTest {
    static final long SEC = 1_700_000_000L;
    static final int NSEC = 987_654_321;

    Path work, source, mirror, original, target, reportFile;
    FailingDrive drive;
    SnapshotTree gen;
    String s1, s2, s3;
    final List<String> expected = new ArrayList<>();
    byte[] linked, newest, rotated, differs, nocopy, firstbad, big, bignocopy;
    CliTestSupport.Result result;
    long nocopyBad, bigNocopyBad;

    @BeforeAll void migrateAFailingDrive() throws Exception {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
        work = Files.createTempDirectory("lr-rescue-cli-");
        gen = new SnapshotTreeGenerator().snapshots(3).filesPerSnapshot(20).longPath(false).mirrorAfter(2)
                .generate(work.resolve("gen"));
        s1 = gen.snapshotNames().get(0);
        s2 = gen.snapshotNames().get(1);
        s3 = gen.snapshotNames().get(2);
        mirror = gen.mirror().orElseThrow();
        original = gen.original();
        drive = FailingDrive.create(work);
        source = drive.root().resolve("backups");
        Files.createDirectories(source);
        CliTestSupport.sh(null, "cp", "-a", gen.source() + "/.", source.toString());

        linked = FailingDrive.pattern("linked.bin", 300_000);
        Path l1 = file(source.resolve(s1 + "/rescue/linked.bin"), linked);
        link(l1, source.resolve(s2 + "/rescue/linked.bin"));
        link(l1, source.resolve(s3 + "/rescue/linked.bin"));
        file(mirror.resolve(s1 + "/rescue/linked.bin"), linked);
        file(mirror.resolve(s2 + "/rescue/linked.bin"), linked);

        newest = FailingDrive.pattern("newest.bin", 200_000);
        Path n3 = file(source.resolve(s3 + "/rescue/newest.bin"), newest);
        file(original.resolve("rescue/newest.bin"), newest);

        rotated = FailingDrive.pattern("rotated.bin", 100_000);
        Path r3 = file(source.resolve(s3 + "/rescue/rotated.bin"), rotated);
        file(mirror.resolve(s1 + "/rescue/rotated.bin"), rotated);

        differs = FailingDrive.pattern("differs.bin", 150_000);
        Path d1 = file(source.resolve(s1 + "/rescue/differs.bin"), differs);
        byte[] other = differs.clone();
        other[140_000] ^= 1;
        file(mirror.resolve(s1 + "/rescue/differs.bin"), other);
        file(original.resolve("rescue/differs.bin"), differs);

        nocopy = FailingDrive.pattern("nocopy.bin", 120_000);
        Path c2 = file(source.resolve(s2 + "/rescue/nocopy.bin"), nocopy);
        link(c2, source.resolve(s3 + "/rescue/nocopy.bin"));

        firstbad = FailingDrive.pattern("firstbad.bin", 70_000);
        Path f1 = file(source.resolve(s1 + "/rescue/firstbad.bin"), firstbad);
        file(mirror.resolve(s1 + "/rescue/firstbad.bin"), firstbad);

        // Larger than the read-ahead takes (16 MiB): read and written in chunks by the read workers.
        big = FailingDrive.pattern("big.bin", (20 << 20) + 123);
        Path b1 = file(source.resolve(s1 + "/rescue/big.bin"), big);
        link(b1, source.resolve(s2 + "/rescue/big.bin"));
        file(mirror.resolve(s1 + "/rescue/big.bin"), big);
        bignocopy = FailingDrive.pattern("bignocopy.bin", (17 << 20) + 5);
        Path bn = file(source.resolve(s3 + "/rescue/bignocopy.bin"), bignocopy);

        expected.addAll(FindListing.of(source));

        drive.corruptBlock(l1, 4096 * 20);
        drive.corruptBlock(l1, 4096 * 60);
        drive.corruptBlock(n3, 100_000);
        drive.corruptBlock(r3, 65536);
        drive.corruptBlock(d1, 8192);
        nocopyBad = drive.corruptBlock(c2, 50_000);
        drive.corruptBlock(f1, 0);
        drive.corruptBlock(b1, (9L << 20) + 5000);
        bigNocopyBad = drive.corruptBlock(bn, (16L << 20) + 100);
        drive.breakBlocks();

        target = work.resolve("target");
        reportFile = work.resolve("report.json");
        result = run("migrate", source.toString(), target.toString(), "--alternate", "mirror=" + mirror,
                "--alternate", "original=" + original, "--report", reportFile.toString());
    }

    @AfterAll void removeTheDrive() throws Exception {
        if (drive != null) drive.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    static Path file(Path p, byte[] data) throws Exception {
        return CliTestSupport.writeFile(p, data, SEC, NSEC);
    }

    static void link(Path existing, Path link) throws Exception {
        Files.createDirectories(link.getParent());
        Files.createLink(link, existing);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Fails with only the lines that differ (listings are long). */
    static void sameListing(List<String> want, List<String> got, String who) {
        List<String> missing = new ArrayList<>(want), extra = new ArrayList<>(got);
        missing.removeAll(got);
        extra.removeAll(want);
        assertTrue(missing.isEmpty() && extra.isEmpty(), who + ": expected but not found:\n" + String.join("\n", missing)
                + "\nfound instead:\n" + String.join("\n", extra));
    }

    String report() throws Exception { return Files.readString(reportFile, StandardCharsets.UTF_8); }

    @Test void exit3BecauseOneInodeHasNoGoodCopyAnywhere() {
        assertEquals(3, result.code(), result.err());
        assertTrue(result.err().contains("nocopy.bin"), result.err());
    }

    @Test void everyFileAndTheInodePartitionAreTheSourcesExceptTheZeroFilledBlock() throws Exception {
        byte[] zeroed = nocopy.clone();
        java.util.Arrays.fill(zeroed, (int) nocopyBad, (int) nocopyBad + 4096, (byte) 0);
        byte[] bigZeroed = bignocopy.clone();
        java.util.Arrays.fill(bigZeroed, (int) bigNocopyBad, (int) bigNocopyBad + 4096, (byte) 0);
        List<String> want = new ArrayList<>();
        for (String line : expected) {
            if (line.contains("/rescue/nocopy.bin |")) line = line.replace(sha256(nocopy), sha256(zeroed));
            if (line.contains("/rescue/bignocopy.bin |")) line = line.replace(sha256(bignocopy), sha256(bigZeroed));
            want.add(line);
        }
        assertEquals(String.join("\n", want), String.join("\n", FindListing.of(target)));
    }

    @Test void anInodeLinkedInEverySnapshotIsRecoveredFromTheMirrorOnceForAllItsPaths() throws Exception {
        Path a = target.resolve(s1 + "/rescue/linked.bin");
        assertArrayEquals(linked, Files.readAllBytes(a));
        Object ino = Files.getAttribute(a, "unix:ino");
        assertEquals(ino, Files.getAttribute(target.resolve(s2 + "/rescue/linked.bin"), "unix:ino"));
        assertEquals(ino, Files.getAttribute(target.resolve(s3 + "/rescue/linked.bin"), "unix:ino"));
        String json = report();
        assertTrue(json.contains("\"paths\":[\"" + s1 + "/rescue/linked.bin\",\"" + s2 + "/rescue/linked.bin\",\""
                + s3 + "/rescue/linked.bin\"]"), json);
        assertTrue(json.contains("\"badRanges\":[\"81920-86015\",\"245760-249855\"]"), json);
        assertTrue(json.contains("\"from\":\"mirror:" + mirror + "/" + s1 + "/rescue/linked.bin\""), json);
    }

    @Test void aLargeFileCopiedByTheReadWorkersIsRecoveredFromTheMirrorForAllItsPaths() throws Exception {
        Path a = target.resolve(s1 + "/rescue/big.bin");
        assertArrayEquals(big, Files.readAllBytes(a));
        assertEquals(Files.getAttribute(a, "unix:ino"), Files.getAttribute(target.resolve(s2 + "/rescue/big.bin"), "unix:ino"));
        String json = report();
        long bad = (9L << 20) + 4096; // the block holding byte 9 MiB + 5000
        assertTrue(json.contains("\"paths\":[\"" + s1 + "/rescue/big.bin\",\"" + s2 + "/rescue/big.bin\"]"), json);
        assertTrue(json.contains("\"badRanges\":[\"" + bad + "-" + (bad + 4095) + "\"]"), json);
        assertTrue(json.contains("\"from\":\"mirror:" + mirror + "/" + s1 + "/rescue/big.bin\""), json);
    }

    @Test void aLargeFileWithNoCopyHasExactlyItsBadBlockZeroed() throws Exception {
        byte[] want = bignocopy.clone();
        java.util.Arrays.fill(want, (int) bigNocopyBad, (int) bigNocopyBad + 4096, (byte) 0);
        assertArrayEquals(want, Files.readAllBytes(target.resolve(s3 + "/rescue/bignocopy.bin")));
        assertTrue(result.err().contains("bignocopy.bin"), result.err());
    }

    @Test void aFileOnlyInTheNewestSnapshotIsRecoveredFromTheOriginal() throws Exception {
        assertArrayEquals(newest, Files.readAllBytes(target.resolve(s3 + "/rescue/newest.bin")));
        assertTrue(report().contains("\"from\":\"original:" + original + "/rescue/newest.bin\""), report());
    }

    @Test void aMirrorCopyUnderARotatedSnapshotNameIsFoundAndVerified() throws Exception {
        assertArrayEquals(rotated, Files.readAllBytes(target.resolve(s3 + "/rescue/rotated.bin")));
        assertTrue(report().contains("\"from\":\"mirror:" + mirror + "/" + s1 + "/rescue/rotated.bin\""), report());
    }

    @Test void aCandidateWhoseReadableBytesDifferIsRejectedAndTheNextOneUsed() throws Exception {
        assertArrayEquals(differs, Files.readAllBytes(target.resolve(s1 + "/rescue/differs.bin")));
        String json = report();
        assertTrue(json.contains("{\"path\":\"mirror:" + mirror + "/" + s1 + "/rescue/differs.bin\",\"verdict\":\"rejected\",\"reason\":\"byte 140000 differs\"}"), json);
        assertTrue(json.contains("\"from\":\"original:" + original + "/rescue/differs.bin\""), json);
    }

    @Test void noGoodCopyIsZeroFilledAndReportedWithAllItsPaths() throws Exception {
        byte[] got = Files.readAllBytes(target.resolve(s3 + "/rescue/nocopy.bin"));
        byte[] want = nocopy.clone();
        java.util.Arrays.fill(want, (int) nocopyBad, (int) nocopyBad + 4096, (byte) 0);
        assertArrayEquals(want, got);
        String json = report();
        assertTrue(json.contains("\"paths\":[\"" + s2 + "/rescue/nocopy.bin\",\"" + s3 + "/rescue/nocopy.bin\"]"), json);
        assertTrue(json.contains("\"bytesLost\":4096"), json);
        assertTrue(json.contains("\"sha256\":\"" + sha256(want) + "\""), json);
    }

    @Test void archiveCarriesProvenanceThatGnuTarAndBsdtarIgnoreAndOurExtractReports() throws Exception {
        Path tar = work.resolve("rescued.tar");
        FailingDrive.dropCaches();
        CliTestSupport.Result a = run("archive", source.toString(), "-f", tar.toString(), "--alternate", "mirror=" + mirror,
                "--alternate", "original=" + original);
        assertEquals(3, a.code(), a.err());
        List<String> migrated = FindListing.of(target);
        damagedFilesAndTheirLinksComeLast(CliTestSupport.sh(null, "tar", "-tf", tar.toString()).lines().toList());
        CliTestSupport.Result v = run("verify", "--archive", tar.toString(), target.toString(), "-q");
        assertEquals(0, v.code(), "the archive, late entries and directories stated twice, is the migrated tree: " + v.outText() + v.err());

        Path g = Files.createDirectories(work.resolve("by-gnu-tar"));
        String gnuSays = CliTestSupport.sh(null, "tar", "-C", g.toString(), "-xpf", tar.toString());
        assertTrue(gnuSays.contains("Ignoring unknown extended header keyword 'LINKRESCUE."), gnuSays);
        sameListing(migrated, FindListing.of(g), "GNU tar");

        Path b = Files.createDirectories(work.resolve("by-bsdtar"));
        assertEquals("", CliTestSupport.sh(null, "bsdtar", "-C", b.toString(), "-xpf", tar.toString()));
        // bsdtar leaves the time of an existing extraction root (".") alone: compare below it
        List<String> byBsdtar = FindListing.of(b);
        assertTrue(migrated.get(0).startsWith(". |") && byBsdtar.get(0).startsWith(". |"));
        sameListing(migrated.subList(1, migrated.size()), byBsdtar.subList(1, byBsdtar.size()), "bsdtar");

        Path ours = work.resolve("by-extract");
        Path rep = work.resolve("extract.json");
        CliTestSupport.Result x = run("extract", "-f", tar.toString(), "-C", ours.toString(), "--report", rep.toString());
        assertTrue(x.err().contains(s2 + "/rescue/nocopy.bin: the archive marks this file as damaged: 4096 bytes"), x.err());
        sameListing(migrated, FindListing.of(ours), "extract");
        String json = Files.readString(rep, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"origin\":\"mirror:" + mirror + "/" + s1 + "/rescue/linked.bin\""), json);
        assertTrue(json.contains("{\"offset\":" + nocopyBad + ",\"length\":4096,\"origin\":\"zero\"}"), json);
    }

    /**
     * A rescue in passes holds a damaged file back until its bad areas are settled: it comes after
     * every healthy file, each hard link to it after it, then the directories they lie in again.
     */
    private void damagedFilesAndTheirLinksComeLast(List<String> names) {
        int firstDamaged = names.indexOf(s1 + "/rescue/linked.bin");
        assertTrue(firstDamaged > 0, names.toString());
        for (int i = 0; i < firstDamaged; i++) assertFalse(names.get(i).endsWith("/linked.bin") || names.get(i).endsWith("/nocopy.bin"), names.get(i));
        assertTrue(names.indexOf(s2 + "/rescue/linked.bin") > firstDamaged, "the link follows its target: " + names);
        assertTrue(names.indexOf(s3 + "/rescue/linked.bin") > firstDamaged, "the link follows its target: " + names);
        assertTrue(names.indexOf(s2 + "/rescue/nocopy.bin") < names.indexOf(s3 + "/rescue/nocopy.bin"), names.toString());
        assertTrue(names.lastIndexOf(s1 + "/rescue/") > names.indexOf(s3 + "/rescue/linked.bin"),
                "the directory stated again after its late files: " + names);
    }

    @Test void aFirstBlockBadIsRecoveredToo() throws Exception {
        assertArrayEquals(firstbad, Files.readAllBytes(target.resolve(s1 + "/rescue/firstbad.bin")));
        assertTrue(report().contains("\"badRanges\":[\"0-4095\"]"), report());
    }

    @Test void verifyTakesTheReportMigrateWrote_andItsHashesVouchForEveryUnreadableByte() throws Exception {
        Path json = work.resolve("verify.json");
        CliTestSupport.Result v = run("verify", source.toString(), target.toString(), "--rescue-report", reportFile.toString(),
                "--json", json.toString(), "-q");
        assertEquals(0, v.code(), v.outText() + v.err());
        String out = Files.readString(json);
        assertFalse(out.contains("\"kind\":\"unverifiable\""), "the rescue's hashes cover the bytes the drive cannot read: " + out);
        assertFalse(out.contains("\"kind\":\"rescue-hash\""), out);
    }
}
