package org.linkrescue.migrate.repair;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.repair.InodeOutcome.Status;
import org.linkrescue.migrate.rescue.Alternate;
import org.linkrescue.migrate.rescue.RescueOptions;

/**
 * Repair wired to the rescue: the read test finds the damaged inodes through the rescue reader
 * (an in-process EIO seam), the candidate verifier picks the good copy, and the mechanics put
 * it in place. The same on a real failing btrfs drive is RepairFailingDriveTest.
 */
class RescueRepairTest {
    @TempDir Path tmp;
    Path source, mirror;
    byte[] good;
    long ino;
    final List<String> problems = new ArrayList<>();
    static final Instant MTIME = Instant.ofEpochSecond(1_600_000_000L, 987_654_321);

    @BeforeEach
    void tree() throws Exception {
        source = tmp.resolve("source");
        mirror = tmp.resolve("mirror");
        good = new byte[100_000];
        new Random(3).nextBytes(good);
        for (String s : List.of("2024-01-01", "2024-01-02")) Files.createDirectories(source.resolve(s + "/docs"));
        Path f = Files.write(source.resolve("2024-01-01/docs/report.bin"), good);
        Files.setLastModifiedTime(f, FileTime.from(MTIME));
        Files.createLink(source.resolve("2024-01-02/docs/report.bin"), f);
        Files.writeString(source.resolve("2024-01-02/docs/other.txt"), "fine");
        ino = (Long) Files.getAttribute(f, "unix:ino");
    }

    RescueOptions options() {
        return RescueOptions.defaults().withSpoolDir(tmp).withAlternates(
                List.of(Alternate.parse("mirror=" + mirror)));
    }

    RepairResult repair(boolean dry) throws Exception {
        EioDrive drive = new EioDrive().eio(ino, 8192, 12288);
        RepairOptions o = new RepairOptions(Names.bytes(source.toString()), null, dry, false);
        var p = (org.linkrescue.migrate.stream.Problems) (g, path, w) -> problems.add(g + " " + w);
        return new Repair(o, new ReadTestFinder(options(), drive, p), new RescueGoodData(options(), drive), p,
                new PrintStream(new ByteArrayOutputStream())).run();
    }

    void mirrorCopy(String snapshot, byte[] bytes, Instant mtime) throws Exception {
        Path m = mirror.resolve(snapshot + "/docs/report.bin");
        Files.createDirectories(m.getParent());
        Files.write(m, bytes);
        Files.setLastModifiedTime(m, FileTime.from(mtime));
    }

    @Test
    void theReadTestFindsTheDamagedInodeAndTheMirrorRepairsItAtEveryPath() throws Exception {
        mirrorCopy("2024-01-01", good, MTIME);
        // On the "drive" the bad block holds something else now: only the seam says it is bad.
        RepairResult r = repair(false);
        InodeOutcome o = r.inodes().get(0);
        assertEquals(Status.REPAIRED, o.status(), o.reason() + " " + o.notes());
        assertEquals(ino, o.inode().ino());
        assertEquals(2, o.moved().size());
        assertTrue(o.goodSource().startsWith("mirror:"), o.goodSource());
        assertTrue(o.notes().contains("unreadable bytes: 8192-12287"), o.notes().toString());
        assertEquals(List.of(new org.linkrescue.migrate.stream.Provenance.Range(0, 8192, "source"),
                new org.linkrescue.migrate.stream.Provenance.Range(8192, 4096, "mirror:" + mirror + "/2024-01-01/docs/report.bin"),
                new org.linkrescue.migrate.stream.Provenance.Range(12288, 100_000 - 12288, "source")), o.provenance().ranges());
        for (String p : List.of("2024-01-01/docs/report.bin", "2024-01-02/docs/report.bin")) {
            assertEquals(o.newIno(), (Long) Files.getAttribute(source.resolve(p), "unix:ino"));
            assertArrayEquals(good, Files.readAllBytes(source.resolve(p)));
            assertEquals(MTIME, Files.getLastModifiedTime(source.resolve(p)).toInstant());
        }
        // The new inode is not damaged: the seam knew only the old one.
        assertEquals(Set.of(), new ReadTestFinder(options(), new EioDrive().eio(ino, 8192, 12288), (g, p, w) -> {})
                .damagedInodes(Names.bytes(source.toString())));
    }

    @Test
    void aRotatedMirrorCopyIsFoundUnderAnotherSnapshotName() throws Exception {
        mirrorCopy("2023-12-31", good, MTIME);
        InodeOutcome o = repair(false).inodes().get(0);
        assertEquals(Status.REPAIRED, o.status(), o.notes().toString());
        assertTrue(o.goodSource().contains("2023-12-31"), o.goodSource());
    }

    @Test
    void aCopyThatDisagreesWithAReadableByteIsRejectedAndTheInodeLeftAsItIs() throws Exception {
        byte[] wrong = good.clone();
        wrong[50_000] ^= 1;
        mirrorCopy("2024-01-01", wrong, MTIME);
        TreeMap<String, String> before = Listing.of(source);
        RepairResult r = repair(false);
        InodeOutcome o = r.inodes().get(0);
        assertEquals(Status.NO_CANDIDATE, o.status());
        assertTrue(o.notes().stream().anyMatch(n -> n.contains("rejected") && n.contains("byte 50000 differs")), o.notes().toString());
        assertFalse(r.allRepaired());
        assertEquals(before, Listing.of(source));
    }

    @Test
    void aCopyWithAnotherMtimeIsRejected() throws Exception {
        mirrorCopy("2024-01-01", good, MTIME.plusSeconds(1));
        InodeOutcome o = repair(false).inodes().get(0);
        assertEquals(Status.NO_CANDIDATE, o.status());
        assertTrue(o.notes().stream().anyMatch(n -> n.contains("mtime")), o.notes().toString());
    }

    @Test
    void dryRunReadsAndVerifiesButChangesNothing() throws Exception {
        mirrorCopy("2024-01-01", good, MTIME);
        TreeMap<String, String> before = Listing.of(source);
        InodeOutcome o = repair(true).inodes().get(0);
        assertEquals(Status.PLANNED, o.status());
        assertEquals(RepairTest.sha256(good), o.sha256());
        assertEquals(before, Listing.of(source));
    }
}
