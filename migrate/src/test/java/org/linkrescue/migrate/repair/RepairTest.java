package org.linkrescue.migrate.repair;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Fd;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.fs.Xattrs;
import org.linkrescue.migrate.repair.InodeOutcome.Status;

/**
 * The mechanics of repair on real files: good bytes come from {@link TestGoodData}, everything
 * else (new inode, metadata, xattrs, link+rename, journal, resume) is the real thing.
 *
 * The tree: inode A (damaged) at snap1/big, snap2/big, snap3/sub/big; inode B alone at
 * snap1/own; inode C at snap1/pair and snap2/pair. find -printf is the oracle.
 */
class RepairTest {
    @TempDir Path tmp;
    Path root;
    byte[] onDisk, good;
    long inoA, inoC;
    final List<String> problems = new ArrayList<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static final String[] A_PATHS = {"snap1/big", "snap2/big", "snap3/sub/big"};
    static final byte[] XATTR_VALUE = {0, (byte) 0xff, 'h', '\n'};

    @BeforeEach
    void tree() throws Exception {
        root = tmp.resolve("source");
        Files.createDirectories(root.resolve("snap1"));
        Files.createDirectories(root.resolve("snap2"));
        Files.createDirectories(root.resolve("snap3/sub"));
        good = new byte[200_000];
        new Random(7).nextBytes(good);
        onDisk = good.clone();
        java.util.Arrays.fill(onDisk, 0, 4096, (byte) 0); // what the "bad block" holds now
        Files.write(root.resolve(A_PATHS[0]), onDisk);
        Files.createLink(root.resolve(A_PATHS[1]), root.resolve(A_PATHS[0]));
        Files.createLink(root.resolve(A_PATHS[2]), root.resolve(A_PATHS[0]));
        try (Fd fd = new Fd(Posix.openat(Posix.AT_FDCWD, Names.bytes(root.resolve(A_PATHS[0]).toString()), Posix.O_RDONLY, 0))) {
            Posix.fchown(fd.fd(), 1234, 5678);
            Posix.fchmod(fd.fd(), 04750);
            Xattrs.set(fd.fd(), Names.bytes("user.x"), XATTR_VALUE);
            Xattrs.set(fd.fd(), Names.bytes("trusted.t"), Names.bytes("trusted value"));
            Posix.futimens(fd.fd(), 1_500_000_000L, 5, 1_600_000_000L, 123_456_789);
        }
        Files.writeString(root.resolve("snap1/own"), "own data");
        Files.writeString(root.resolve("snap1/pair"), "pair data");
        Files.createLink(root.resolve("snap2/pair"), root.resolve("snap1/pair"));
        inoA = (Long) Files.getAttribute(root.resolve(A_PATHS[0]), "unix:ino");
        inoC = (Long) Files.getAttribute(root.resolve("snap1/pair"), "unix:ino");
    }

    RepairResult run(DamageFinder f, GoodDataSource g, boolean dry, boolean partial, LinkOps ops) throws IOException {
        RepairOptions o = new RepairOptions(Names.bytes(root.toString()), null, dry, partial);
        return new Repair(o, f, g, (grade, path, what) -> problems.add(grade + " " + (path == null ? "" : Names.display(path)) + " " + what),
                new PrintStream(out, true, StandardCharsets.UTF_8), ops).run();
    }

    RepairResult run(TestGoodData g) throws IOException { return run(g, g, false, false, LinkOps.POSIX); }

    /** Every path of A names one new inode with A's link count, the good bytes and A's metadata. */
    void assertARepaired(TreeMap<String, String> before) throws Exception {
        TreeMap<String, String> after = Listing.of(root);
        long newIno = Listing.ino(after.get(A_PATHS[0]));
        assertNotEquals(inoA, newIno);
        for (String p : A_PATHS) {
            assertEquals(newIno, Listing.ino(after.get(p)), p);
            assertEquals(3, Listing.nlink(after.get(p)), p);
            assertEquals(Listing.metadata(before.get(p)), Listing.metadata(after.get(p)), p + " metadata");
            assertArrayEquals(good, Files.readAllBytes(root.resolve(p)), p);
        }
        Stat st = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(root.resolve(A_PATHS[2]).toString()));
        assertEquals(04750, st.perm());
        assertEquals(1234, st.uid());
        assertEquals(5678, st.gid());
        assertEquals(1_600_000_000L, st.mtimeSec());
        assertEquals(123_456_789, st.mtimeNsec());
        UserDefinedFileAttributeView v = Files.getFileAttributeView(root.resolve(A_PATHS[1]), UserDefinedFileAttributeView.class);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
        v.read("x", b);
        assertArrayEquals(XATTR_VALUE, java.util.Arrays.copyOf(b.array(), b.position()));
        try (Fd fd = new Fd(Posix.openat(Posix.AT_FDCWD, Names.bytes(root.resolve(A_PATHS[0]).toString()), Posix.O_RDONLY, 0))) {
            assertArrayEquals(Names.bytes("trusted value"), Xattrs.get(fd.fd(), Names.bytes("trusted.t")));
        }
        // Nothing of ours is left behind: no temp names, no journal.
        assertEquals(before.keySet(), after.keySet());
    }

    /**
     * Every path other than A's is exactly as it was: same inode, link count, metadata;
     * directories too (their mtimes are put back; only ctime, which no call sets, moves).
     */
    void assertOthersUntouched(TreeMap<String, String> before) throws Exception {
        TreeMap<String, String> after = Listing.of(root);
        for (Map.Entry<String, String> e : before.entrySet()) {
            if (List.of(A_PATHS).contains(e.getKey())) continue;
            String now = after.get(e.getKey());
            assertEquals(e.getValue(), now, e.getKey());
        }
    }

    @Test
    void t01_threePathInodeIsRepairedToOneNewInodeWithItsLinksContentAndMetadata() throws Exception {
        TreeMap<String, String> before = Listing.of(root);
        RepairResult r = run(new TestGoodData().repairable(inoA, good));
        assertARepaired(before);
        assertTrue(r.allRepaired());
        InodeOutcome o = r.inodes().get(0);
        assertEquals(Status.REPAIRED, o.status());
        assertEquals(3, o.moved().size());
        assertEquals(Listing.ino(Listing.of(root).get(A_PATHS[0])), o.newIno());
        assertEquals(sha256(good), o.sha256());
        assertEquals(List.of(), o.xattrsNotCopied());
        assertFalse(Files.exists(root.resolve(".linkrescue-repair.journal")));
    }

    @Test
    void t02_everyOtherInodeIsUntouched() throws Exception {
        TreeMap<String, String> before = Listing.of(root);
        TreeMap<String, String> hashes = Listing.hashes(root);
        run(new TestGoodData().repairable(inoA, good));
        assertOthersUntouched(before);
        TreeMap<String, String> after = Listing.hashes(root);
        for (String p : hashes.keySet()) {
            if (!List.of(A_PATHS).contains(p)) assertEquals(hashes.get(p), after.get(p), p);
        }
    }

    /** Dies right after the K-th rename (K=1, 2) or right after a link, before its rename. */
    @Test
    void t03_repairKilledAfterSomeRenamesIsCompletedByTheNextRun() throws Exception {
        for (int kills = 1; kills <= 2; kills++) {
            final int k = kills;
            tmpReset();
            TreeMap<String, String> before = Listing.of(root);
            TestGoodData g = new TestGoodData().repairable(inoA, good);
            assertThrows(Killed.class, () -> run(g, g, false, false, killAfter(k, Integer.MAX_VALUE)));
            TreeMap<String, String> mid = Listing.of(root);
            long moved = List.of(A_PATHS).stream().filter(p -> Listing.ino(mid.get(p)) != inoA).count();
            assertEquals(k, moved, "paths moved before the kill");
            assertTrue(Files.exists(root.resolve(".linkrescue-repair.journal")));

            RepairResult r = run(g);
            assertEquals(1, r.resumed().size());
            assertEquals(3 - k, r.resumed().get(0).moved().size());
            assertTrue(r.inodes().isEmpty(), "the old inode is gone: nothing left to repair");
            assertARepaired(before);
            assertOthersUntouched(before);
            assertFalse(Files.exists(root.resolve(".linkrescue-repair.journal")));
        }
    }

    @Test
    void t04_repairKilledBetweenALinkAndItsRenameIsCompletedAndTheTempNameRemoved() throws Exception {
        TreeMap<String, String> before = Listing.of(root);
        TestGoodData g = new TestGoodData().repairable(inoA, good);
        assertThrows(Killed.class, () -> run(g, g, false, false, killAfter(Integer.MAX_VALUE, 2)));
        assertTrue(Listing.of(root).keySet().stream().anyMatch(p -> p.contains(".linkrescue-repair-")));
        run(g);
        assertARepaired(before);
        assertOthersUntouched(before);
    }

    @Test
    void t05_repairKilledWhileWritingTheNewFileRestartsFromScratch() throws Exception {
        TreeMap<String, String> before = Listing.of(root);
        TestGoodData g = new TestGoodData().repairable(inoA, good);
        g.killWhileWriting = new Killed();
        assertThrows(Killed.class, () -> run(g));
        assertEquals(inoA, Listing.ino(Listing.of(root).get(A_PATHS[0])), "no path moved");
        g.killWhileWriting = null;
        RepairResult r = run(g);
        assertEquals(-1, r.resumed().get(0).newIno());
        assertEquals(Status.REPAIRED, r.inodes().get(0).status());
        assertARepaired(before);
    }

    @Test
    void t06_dryRunChangesNothing() throws Exception {
        TreeMap<String, String> before = Listing.of(root);
        TreeMap<String, String> hashes = Listing.hashes(root);
        RepairResult r = run(new TestGoodData().repairable(inoA, good), new TestGoodData().repairable(inoA, good), true, false, LinkOps.POSIX);
        assertEquals(Status.PLANNED, r.inodes().get(0).status());
        assertEquals(before, Listing.of(root));
        assertEquals(hashes, Listing.hashes(root));
        String printed = out.toString(StandardCharsets.UTF_8);
        for (String p : A_PATHS) assertTrue(printed.contains(p), printed);
        assertTrue(printed.contains("nothing changed"), printed);
    }

    @Test
    void t07_dryRunAfterAKilledRunChangesNothingEither() throws Exception {
        TestGoodData g = new TestGoodData().repairable(inoA, good);
        assertThrows(Killed.class, () -> run(g, g, false, false, killAfter(1, Integer.MAX_VALUE)));
        TreeMap<String, String> mid = Listing.of(root);
        byte[] journal = Files.readAllBytes(root.resolve(".linkrescue-repair.journal"));
        RepairResult r = run(g, g, true, false, LinkOps.POSIX);
        assertEquals(1, r.resumed().size());
        assertEquals(mid, Listing.of(root));
        assertArrayEquals(journal, Files.readAllBytes(root.resolve(".linkrescue-repair.journal")));
    }

    @Test
    void t08_inodeWithLinksOutsideSourceIsRefusedWithoutAllowPartial() throws Exception {
        Path outside = tmp.resolve("outside-link");
        Files.createLink(outside, root.resolve(A_PATHS[0]));
        TreeMap<String, String> before = Listing.of(root);
        RepairResult r = run(new TestGoodData().repairable(inoA, good));
        assertEquals(Status.LINKS_OUTSIDE_SOURCE, r.inodes().get(0).status());
        assertTrue(r.inodes().get(0).reason().contains("nlink 4 but 3 path(s)"), r.inodes().get(0).reason());
        assertFalse(r.allRepaired());
        assertEquals(before, Listing.of(root));
        assertTrue(problems.stream().anyMatch(p -> p.contains("outside SOURCE")), problems.toString());
    }

    @Test
    void t09_allowPartialMovesThePathsUnderSourceAndSaysTheOthersStay() throws Exception {
        Path outside = tmp.resolve("outside-link");
        Files.createLink(outside, root.resolve(A_PATHS[0]));
        RepairResult r = run(new TestGoodData().repairable(inoA, good), new TestGoodData().repairable(inoA, good), false, true, LinkOps.POSIX);
        InodeOutcome o = r.inodes().get(0);
        assertEquals(Status.PARTIAL, o.status());
        assertEquals(3, o.moved().size());
        assertFalse(r.allRepaired());
        assertEquals(inoA, (Long) Files.getAttribute(outside, "unix:ino"));
        assertArrayEquals(onDisk, Files.readAllBytes(outside));
        for (String p : A_PATHS) assertArrayEquals(good, Files.readAllBytes(root.resolve(p)));
    }

    /**
     * EMLINK through the seam: the new inode never has more links than the old one (the last
     * path takes the temp name by rename), so a real filesystem cannot refuse here unless its
     * limit is below the old count; the seam stands in for that.
     */
    @Test
    void t10_aRefusedLinkLeavesThatPathOnTheOldInodeAndNamesIt() throws Exception {
        LinkOps emlinkOnSecond = new LinkOps() {
            int links;
            @Override public void link(int od, byte[] on, int nd, byte[] nn) throws PosixException {
                if (++links == 2) throw new PosixException("link", nn, Errno.EMLINK);
                LinkOps.POSIX.link(od, on, nd, nn);
            }
            @Override public void rename(int od, byte[] on, int nd, byte[] nn) throws PosixException {
                LinkOps.POSIX.rename(od, on, nd, nn);
            }
        };
        TestGoodData g = new TestGoodData().repairable(inoA, good);
        RepairResult r = run(g, g, false, false, emlinkOnSecond);
        InodeOutcome o = r.inodes().get(0);
        assertEquals(Status.PARTIAL, o.status());
        assertEquals(1, o.stayed().size());
        assertEquals(A_PATHS[1], Names.latin1(o.stayed().get(0).path()));
        assertTrue(o.stayed().get(0).reason().contains("EMLINK"), o.stayed().get(0).reason());
        TreeMap<String, String> after = Listing.of(root);
        assertEquals(inoA, Listing.ino(after.get(A_PATHS[1])));
        assertArrayEquals(onDisk, Files.readAllBytes(root.resolve(A_PATHS[1])), "its data is as it was");
        assertEquals(o.newIno(), Listing.ino(after.get(A_PATHS[0])));
        assertEquals(o.newIno(), Listing.ino(after.get(A_PATHS[2])));
        assertEquals(2, Listing.nlink(after.get(A_PATHS[0])));
        assertFalse(after.keySet().stream().anyMatch(p -> p.contains(".linkrescue-repair")), after.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("stays on the old inode: " + A_PATHS[1]));
    }

    @Test
    void t11_anInodeWithoutAnAcceptableCandidateIsLeftAsItIsAndReported() throws Exception {
        TreeMap<String, String> before = Listing.of(root);
        RepairResult r = run(new TestGoodData().noCandidate(inoA, "no candidate agrees with the readable bytes"));
        assertEquals(Status.NO_CANDIDATE, r.inodes().get(0).status());
        assertFalse(r.allRepaired());
        assertEquals(before, Listing.of(root));
        StringWriter json = new StringWriter();
        RepairReport.write(json, Names.bytes(root.toString()), r);
        assertTrue(json.toString().contains("\"status\":\"no-candidate\""), json.toString());
        assertTrue(json.toString().contains("\"snap3/sub/big\""), json.toString());
        assertTrue(json.toString().contains("size differs"), json.toString());
    }

    @Test
    void t12_contentWithLostBytesIsNeverPutInPlaceOfTheOldInode() throws Exception {
        TreeMap<String, String> before = Listing.of(root);
        RepairResult r = run(new TestGoodData().withLostBytes(inoA, good));
        assertEquals(Status.NO_CANDIDATE, r.inodes().get(0).status());
        assertTrue(r.inodes().get(0).reason().contains("4096 unreadable byte(s)"), r.inodes().get(0).reason());
        assertEquals(before.keySet(), Listing.of(root).keySet(), "temp file removed");
        for (String p : A_PATHS) assertEquals(inoA, Listing.ino(Listing.of(root).get(p)));
    }

    @Test
    void t13_oddNamesAreRepairedByteForByte() throws Exception {
        String odd = "snap1/we\nird\u00ff name";
        Files.createLink(root.resolve(odd), root.resolve(A_PATHS[0]));
        TreeMap<String, String> before = Listing.of(root);
        RepairResult r = run(new TestGoodData().repairable(inoA, good));
        assertEquals(Status.REPAIRED, r.inodes().get(0).status());
        TreeMap<String, String> after = Listing.of(root);
        assertEquals(4, Listing.nlink(after.get(odd)));
        assertEquals(Listing.ino(after.get(A_PATHS[0])), Listing.ino(after.get(odd)));
        assertEquals(before.keySet(), after.keySet());
    }

    @Test
    void t14_reportNamesOldAndNewInodesPathsSourceRangesAndHash() throws Exception {
        RepairResult r = run(new TestGoodData().repairable(inoA, good));
        StringWriter json = new StringWriter();
        RepairReport.write(json, Names.bytes(root.toString()), r);
        String s = json.toString();
        long newIno = r.inodes().get(0).newIno();
        assertTrue(s.contains("\"oldIno\":" + inoA + ",\"newIno\":" + newIno), s);
        assertTrue(s.contains("\"moved\":[\"snap1/big\",\"snap2/big\",\"snap3/sub/big\"]"), s);
        assertTrue(s.contains("\"goodSource\":\"mirror:test\""), s);
        assertTrue(s.contains("{\"offset\":0,\"length\":4096,\"origin\":\"mirror:test\"}"), s);
        assertTrue(s.contains("\"sha256\":\"" + sha256(good) + "\""), s);
        assertTrue(s.contains("\"mtime\":\"1600000000.123456789\""), s);
        assertTrue(s.contains("\"allRepaired\":true"), s);
    }

    @Test
    void t15_aJournalOfAnotherTreeIsRefusedBeforeAnythingChanges() throws Exception {
        TestGoodData g = new TestGoodData().repairable(inoA, good);
        assertThrows(Killed.class, () -> run(g, g, false, false, killAfter(1, Integer.MAX_VALUE)));
        Path other = tmp.resolve("other");
        Files.createDirectories(other);
        Files.move(root.resolve(".linkrescue-repair.journal"), other.resolve(".linkrescue-repair.journal"));
        RepairOptions o = new RepairOptions(Names.bytes(other.toString()), null, false, false);
        IOException e = assertThrows(IOException.class,
                () -> new Repair(o, g, g, (gr, p, w) -> {}, new PrintStream(out)).run());
        assertTrue(e.getMessage().contains("belongs to another tree"), e.getMessage());
    }

    static final class Killed extends Error {
        Killed() { super("killed by the test", null, false, false); }
    }

    /** Real calls that die (like kill -9: no cleanup runs) after N renames or M links. */
    static LinkOps killAfter(int renames, int links) {
        return new LinkOps() {
            int r, l;
            @Override public void link(int od, byte[] on, int nd, byte[] nn) throws PosixException {
                LinkOps.POSIX.link(od, on, nd, nn);
                if (++l == links) throw new Killed();
            }
            @Override public void rename(int od, byte[] on, int nd, byte[] nn) throws PosixException {
                LinkOps.POSIX.rename(od, on, nd, nn);
                if (++r == renames) throw new Killed();
            }
        };
    }

    void tmpReset() throws Exception {
        if (Files.exists(root)) {
            new ProcessBuilder("rm", "-rf", root.toString()).start().waitFor();
        }
        tree();
    }

    static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
    }
}
