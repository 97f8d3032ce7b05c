package org.linkrescue.migrate.repair;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Fd;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.fs.Xattrs;
import org.linkrescue.migrate.repair.InodeOutcome.Status;
import org.linkrescue.migrate.rescue.Alternate;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;

/**
 * repair on a REAL failing drive: a btrfs image on a loop device whose chosen data blocks fail
 * their checksums (the kernel answers EIO), mounted read-write again for the repair. Root only;
 * skipped with a message elsewhere (CI fails on any skip of a FailingDrive test).
 *
 * The drive: a.bin hard-linked in three snapshots (two bad blocks; the mirror has it under
 * the first snapshot's name), lost.bin in the newest snapshot only (one bad block; the
 * mirror's copy is another file of the same size), and healthy files, linked and not.
 */
class RepairFailingDriveTest {
    static final int A_SIZE = 300_000, LOST_SIZE = 200_000;
    static final String[] A_PATHS = {"2024-01-01/docs/a.bin", "2024-01-02/docs/a.bin", "2024-01-03/docs/a.bin"};
    static final String LOST = "2024-01-03/docs/lost.bin";
    static final Instant MTIME = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);
    static final byte[] XATTR = {1, 2, 0, (byte) 0xfe};

    Path work, root;
    FailingDrive drive;
    byte[] a, lost;
    long inoA, inoLost;
    final List<String> problems = new ArrayList<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @BeforeEach void buildTheDrive() throws Exception {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
        work = Files.createTempDirectory("lr-repair-");
        drive = FailingDrive.create(work);
        root = drive.root();
        a = FailingDrive.pattern("repair a.bin", A_SIZE);
        lost = FailingDrive.pattern("repair lost.bin", LOST_SIZE);
        for (String s : List.of("2024-01-01", "2024-01-02", "2024-01-03")) Files.createDirectories(root.resolve(s + "/docs"));
        Path pa = file(root.resolve(A_PATHS[0]), a);
        try (Fd fd = new Fd(Posix.openat(Posix.AT_FDCWD, Names.bytes(pa.toString()), Posix.O_RDONLY, 0))) {
            Posix.fchown(fd.fd(), 1000, 1001);
            Posix.fchmod(fd.fd(), 0640);
            Xattrs.set(fd.fd(), Names.bytes("user.origin"), XATTR);
        }
        Files.setLastModifiedTime(pa, FileTime.from(MTIME));
        Files.createLink(root.resolve(A_PATHS[1]), pa);
        Files.createLink(root.resolve(A_PATHS[2]), pa);
        file(root.resolve(LOST), lost);
        Path ok = Files.writeString(root.resolve("2024-01-01/docs/ok.txt"), "healthy");
        Files.createLink(root.resolve("2024-01-02/docs/ok.txt"), ok);
        Files.writeString(root.resolve("2024-01-03/docs/new.txt"), "healthy too");
        file(work.resolve("mirror/2024-01-01/docs/a.bin"), a);
        file(work.resolve("mirror/2024-01-03/docs/lost.bin"), FailingDrive.pattern("not lost.bin", LOST_SIZE));
        drive.corruptBlock(pa, 8192);
        drive.corruptBlock(pa, 200_000);
        drive.corruptBlock(root.resolve(LOST), 70_000);
        drive.breakBlocks();
        // breakBlocks leaves it read-only; repair writes to the same drive.
        run("mount", "-o", "remount,rw", root.toString());
        FailingDrive.dropCaches();
        inoA = (Long) Files.getAttribute(root.resolve(A_PATHS[0]), "unix:ino");
        inoLost = (Long) Files.getAttribute(root.resolve(LOST), "unix:ino");
    }

    @AfterEach void removeTheDrive() throws Exception {
        if (drive != null) drive.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    static Path file(Path p, byte[] data) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        Files.setLastModifiedTime(p, FileTime.from(MTIME));
        return p;
    }

    RescueOptions options() {
        return RescueOptions.defaults().withSpoolDir(work).withAlternates(List.of(Alternate.parse("mirror=" + work.resolve("mirror"))));
    }

    Problems problemLog() { return (g, p, w) -> problems.add(g + " " + (p == null ? "" : Names.display(p)) + " " + w); }

    RepairResult repair(boolean dry, LinkOps ops) throws IOException {
        RepairOptions o = new RepairOptions(Names.bytes(root.toString()), null, dry, false);
        return new Repair(o, new ReadTestFinder(options(), problemLog()), new RescueGoodData(options()), problemLog(),
                new PrintStream(out, true, StandardCharsets.UTF_8), ops).run();
    }

    /** What a fresh read test of the drive finds damaged now (cold cache). */
    Set<Long> readTest() throws IOException {
        FailingDrive.dropCaches();
        return new ReadTestFinder(options(), (g, p, w) -> {}).damagedInodes(Names.bytes(root.toString()));
    }

    void assertARepairedAndTheRestUntouched(TreeMap<String, String> before) throws Exception {
        FailingDrive.dropCaches();
        TreeMap<String, String> after = Listing.of(root);
        long newIno = Listing.ino(after.get(A_PATHS[0]));
        assertNotEquals(inoA, newIno);
        for (String p : A_PATHS) {
            assertEquals(newIno, Listing.ino(after.get(p)), p);
            assertEquals(3, Listing.nlink(after.get(p)), p + ": the old link count");
            assertEquals(Listing.metadata(before.get(p)), Listing.metadata(after.get(p)), p + ": mode, owner, ns mtime, size");
            assertArrayEquals(a, Files.readAllBytes(root.resolve(p)), p + ": the good content");
        }
        try (Fd fd = new Fd(Posix.openat(Posix.AT_FDCWD, Names.bytes(root.resolve(A_PATHS[2]).toString()), Posix.O_RDONLY, 0))) {
            assertArrayEquals(XATTR, Xattrs.get(fd.fd(), Names.bytes("user.origin")));
            Stat st = Posix.fstat(fd.fd());
            assertEquals(123_456_789, st.mtimeNsec());
        }
        for (Map.Entry<String, String> e : before.entrySet()) {
            if (List.of(A_PATHS).contains(e.getKey())) continue;
            assertEquals(e.getValue(), after.get(e.getKey()), e.getKey() + " untouched");
        }
        assertEquals(before.keySet(), after.keySet(), "no temp name, no journal left");
        assertFalse(readTest().contains(newIno), "the new inode reads without error");
    }

    @Test
    void t01_everyPathOfTheDamagedInodeNamesOneNewGoodInodeAndNothingElseChanges() throws Exception {
        TreeMap<String, String> before = Listing.of(root);
        assertEquals(Set.of(inoA, inoLost), readTest(), "the read test names both damaged inodes");
        RepairResult r = repair(false, LinkOps.POSIX);
        assertARepairedAndTheRestUntouched(before);
        InodeOutcome o = r.inodes().stream().filter(x -> x.inode().ino() == inoA).findFirst().orElseThrow();
        assertEquals(Status.REPAIRED, o.status(), o.reason() + " " + o.notes());
        assertEquals(RepairTest.sha256(a), o.sha256());
        assertTrue(o.goodSource().endsWith("mirror/2024-01-01/docs/a.bin"), o.goodSource());
        assertTrue(o.notes().contains("unreadable bytes: 8192-12287 196608-200703"), o.notes().toString());
        assertEquals(Set.of(inoLost), readTest(), "only the inode without a good copy is still damaged");
    }

    @Test
    void t02_anInodeWithoutAnAcceptableCandidateIsLeftAsItIsAndReported() throws Exception {
        TreeMap<String, String> before = Listing.of(root);
        RepairResult r = repair(false, LinkOps.POSIX);
        InodeOutcome o = r.inodes().stream().filter(x -> x.inode().ino() == inoLost).findFirst().orElseThrow();
        assertEquals(Status.NO_CANDIDATE, o.status());
        assertTrue(o.notes().stream().anyMatch(n -> n.contains("rejected") && n.contains("differs")), o.notes().toString());
        assertFalse(r.allRepaired());
        assertEquals(before.get(LOST), Listing.of(root).get(LOST), "same inode, same metadata");
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("FAILED " + LOST)), problems.toString());
        java.io.StringWriter json = new java.io.StringWriter();
        RepairReport.write(json, Names.bytes(root.toString()), r);
        assertTrue(json.toString().contains("\"status\":\"no-candidate\",\"oldIno\":" + inoLost), json.toString());
    }

    @Test
    void t03_aRepairKilledAfterSomePathsMovedIsCompletedByTheNextRun() throws Exception {
        TreeMap<String, String> before = Listing.of(root);
        assertThrows(RepairTest.Killed.class, () -> repair(false, RepairTest.killAfter(2, Integer.MAX_VALUE)));
        TreeMap<String, String> mid = Listing.of(root);
        assertEquals(1, List.of(A_PATHS).stream().filter(p -> Listing.ino(mid.get(p)) == inoA).count(),
                "two paths moved, one still on the old inode");
        assertTrue(Files.exists(root.resolve(".linkrescue-repair.journal")));
        RepairResult r = repair(false, LinkOps.POSIX);
        assertEquals(1, r.resumed().size());
        assertEquals(1, r.resumed().get(0).moved().size());
        assertEquals(2, r.resumed().get(0).already().size());
        assertARepairedAndTheRestUntouched(before);
    }

    @Test
    void t04_dryRunChangesNothing() throws Exception {
        TreeMap<String, String> before = Listing.of(root);
        // sha256sum's view (a damaged file gives no hash: EIO, the same before and after)
        TreeMap<String, String> hashes = Listing.hashes(root);
        RepairResult r = repair(true, LinkOps.POSIX);
        assertEquals(Status.PLANNED, r.inodes().stream().filter(x -> x.inode().ino() == inoA).findFirst().orElseThrow().status());
        assertEquals(before, Listing.of(root));
        FailingDrive.dropCaches();
        assertEquals(hashes, Listing.hashes(root));
        assertEquals(Set.of(inoA, inoLost), readTest(), "still damaged: nothing was repaired");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("nothing changed"));
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + ": " + o);
    }
}
