package org.linkrescue.migrate.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;

/**
 * A later link's directory entry stands for its lstat only where that is sure to find what the
 * lstat would: the walk is the same, stat for stat, as one that looks every name up.
 */
class EntryInodesTest {
    @TempDir Path dir;
    private TimedReads reads;

    @BeforeEach void reads() { reads = new TimedReads(BlockReader.REAL, Duration.ofSeconds(30), 64 * 1024); }

    @AfterEach void close() { reads.close(); }

    /** Every visit of a walk with its whole lstat and symlink target, in order. */
    private static List<String> walk(Path root, ScanCalls calls) throws IOException {
        List<String> seen = new ArrayList<>();
        new TreeScanner((g, p, w) -> seen.add("problem " + Names.latin1(p) + ": " + w), PathFilter.NONE, calls)
                .walk(Names.bytes(root.toString()), new TreeScanner.Visitor() {
                    @Override public void visit(ScannedPath p) {
                        seen.add(Names.latin1(p.path()) + " " + withoutAtime(p.stat())
                                + (p.linkTarget() == null ? "" : " -> " + Names.latin1(p.linkTarget())));
                    }

                    @Override public void leave(ScannedPath d) { seen.add("leave " + Names.latin1(d.path())); }

                    @Override public void unreadableDir(ScannedPath d, String why) { seen.add("unreadable " + Names.latin1(d.path())); }
                });
        return seen;
    }

    /** Every field of st but its access time, which the walk itself moves (a directory read is an access). */
    private static String withoutAtime(Stat st) {
        return List.of(st.devId(), st.ino(), st.mode(), st.nlink(), st.uid(), st.gid(), st.size(), st.blocks(),
                st.rdevMajor(), st.rdevMinor(), st.mtimeSec(), st.mtimeNsec(), st.ctimeSec(), st.ctimeNsec()).toString();
    }

    /** Five snapshots of the same files, cp -al style: every file a hard link in each; a linked symlink and fifo too. */
    private Path snapshots() throws IOException, InterruptedException {
        Path first = Files.createDirectories(dir.resolve("src/s0"));
        for (int d = 0; d < 6; d++) {
            Path sub = Files.createDirectories(first.resolve("d" + d));
            for (int f = 0; f < 9; f++) Files.writeString(sub.resolve("f" + f), d + "/" + f);
        }
        Files.createSymbolicLink(first.resolve("sym"), Path.of("d1/f1"));
        assertEquals(0, new ProcessBuilder("mkfifo", first.resolve("fifo").toString()).start().waitFor());
        for (int s = 1; s < 5; s++)
            assertEquals(0, new ProcessBuilder("cp", "-al", first.toString(), dir.resolve("src/s" + s).toString()).start().waitFor());
        Files.writeString(dir.resolve("src/s4/d2/f3.new"), "changed in the last snapshot");
        return dir.resolve("src");
    }

    @Test
    void t01_laterLinksWalkedByTheirEntriesAreTheWalkOfLstatsStatForStat() throws Exception {
        Path root = snapshots();
        TimedScanCalls timed = new TimedScanCalls(reads);
        List<String> byEntries = walk(root, timed);
        assertEquals(walk(root, ScanCalls.DIRECT), byEntries);
        long type = Posix.fsSpace(Posix.openDir(-100, Names.bytes(root.toString()))).type();
        if (type == 0xEF53L || type == 0x01021994L || type == 0x9123683EL || type == 0x58465342L)
            assertEquals(4 * (6 * 8 + 1), timed.entriesStoodFor(),
                    "in s1..s4 every later link is taken from its entry but the first file of each directory, "
                            + "whose lstat shows the directory's device (and a snapshot's fifo, after its directories)");
    }

    @Test
    void t02_onlyFileSystemsThatNumberEntriesAsInodesAreTrustedAndMountPointNamesNever() throws IOException {
        Path mountinfo = dir.resolve("mountinfo");
        Files.writeString(mountinfo, String.join("\n",
                "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw",
                "30 27 0:50 / /mnt/over\\040lay rw shared:5 - overlay overlay rw,lowerdir=/a",
                "31 27 0:51 / /mnt/fuse rw - fuse.faultfs faultfs rw",
                "32 27 0:23 / /etc/hosts rw - tmpfs tmpfs rw",
                "33 27 0:60 / /srv/btr rw,relatime shared:9 - btrfs /dev/loop0 rw"), java.nio.charset.StandardCharsets.ISO_8859_1);
        EntryInodes e = new EntryInodes(mountinfo);
        assertTrue(e.trusts(254L << 32), "ext4");
        assertTrue(e.trusts(60), "btrfs, after optional fields");
        assertTrue(e.trusts(23), "tmpfs");
        assertFalse(e.trusts(50), "overlayfs may number entries apart from inodes");
        assertFalse(e.trusts(51), "FUSE");
        assertFalse(e.trusts(7), "a device mountinfo does not name (a btrfs subvolume below its mount)");
        byte dtReg = 8;
        assertTrue(e.mayStandFor(Names.bytes("f1"), dtReg));
        assertFalse(e.mayStandFor(Names.bytes("hosts"), dtReg), "a name a mount point ends in: a file may be mounted over it");
        assertFalse(e.mayStandFor(Names.bytes("over lay"), dtReg), "escaped mount point names are undone");
        assertFalse(e.mayStandFor(Names.bytes("d"), Posix.DT_DIR), "a directory may be a mount point");
        assertFalse(e.mayStandFor(Names.bytes("f"), Posix.DT_UNKNOWN), "an entry that does not say its type");
    }

    @Test
    void t03_oneLstatThatDisagreesWithItsEntryEndsTheTrustForTheRun() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        int fd = Posix.openDir(-100, Names.bytes(dir.toString()));
        Stat st = Posix.lstatAt(fd, Names.bytes("f"));
        Posix.close(fd);
        EntryInodes e = new EntryInodes(dir.resolve("no-mountinfo"));
        byte dtReg = 8;
        e.check(st.ino(), dtReg, st);
        assertFalse(e.disagreed());
        e.check(st.ino(), (byte) 10, st);
        assertTrue(e.disagreed(), "an entry that says symlink for a regular file");
        assertFalse(e.mayStandFor(Names.bytes("f"), dtReg));
        assertTrue(Files.exists(f));
    }
}
