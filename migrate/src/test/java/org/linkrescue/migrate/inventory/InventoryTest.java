package org.linkrescue.migrate.inventory;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.verify.Tally;

class InventoryTest {
    @TempDir Path dir;
    final List<String> problems = new ArrayList<>();

    static void sh(String cmd) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, p.waitFor(), cmd + ": " + out);
    }

    /** Three snapshots: 1000 bytes shared by all, 200 new in the second, 30 new in the third. */
    Path farm() throws Exception {
        Path s1 = Files.createDirectories(dir.resolve("t/2024-01-01/d"));
        Files.write(s1.resolve("shared"), new byte[1000]);
        Files.writeString(s1.resolve("gone"), "12345");
        sh("mkfifo '" + s1.resolve("fifo") + "' && ln -s shared '" + s1.resolve("link") + "'");
        sh("cd '" + dir.resolve("t") + "' && cp -al 2024-01-01 2024-01-02 && rm 2024-01-02/d/gone");
        Files.write(dir.resolve("t/2024-01-02/d/new2"), new byte[200]);
        sh("cd '" + dir.resolve("t") + "' && cp -al 2024-01-02 2024-01-03");
        Files.write(dir.resolve("t/2024-01-03/d/new3"), new byte[30]);
        return dir.resolve("t");
    }

    Inventory run(Path root, int depth, boolean readTest) throws Exception {
        Inventory inv = new Inventory(depth, readTest, RescueOptions.defaults().withSpoolDir(dir),
                (g, p, w) -> problems.add(g + " " + (p == null ? "" : Names.latin1(p)) + ": " + w), new Tally());
        inv.run(Names.bytes(root.toString()));
        return inv;
    }

    @Test
    void t01_perSnapshotPathsInodesAndTheBytesItDoesNotShare() throws Exception {
        Inventory inv = run(farm(), 1, false);
        assertEquals(List.of(), problems);
        List<SnapshotStats> s = inv.snapshots();
        assertEquals(List.of("2024-01-01", "2024-01-02", "2024-01-03"), s.stream().map(SnapshotStats::toString).toList());
        // snapshot dir, d, shared, gone, fifo, link
        assertEquals(6, s.get(0).paths());
        assertEquals(6, s.get(0).inodes());
        assertEquals(1005, s.get(0).newBytes());
        // dir, d, shared, fifo, link, new2: only the two directories and new2 are new
        assertEquals(6, s.get(1).paths());
        assertEquals(6, s.get(1).inodes());
        assertEquals(3, s.get(1).newInodes());
        assertEquals(200, s.get(1).newBytes());
        assertEquals(30, s.get(2).newBytes());
        assertEquals(1230, s.get(2).bytes());
    }

    @Test
    void t02_totalsAndTheHardLinkHistogram() throws Exception {
        Inventory inv = run(farm(), 1, false);
        assertEquals(1 + 6 + 6 + 7, inv.paths());
        assertEquals(Map.of(1, 9L, 2, 1L, 3, 3L), inv.linkHistogram(), "inodes by link count");
        // root + 3 snapshot dirs + 3 d dirs, gone, new3: nlink 1; new2: 2; shared, fifo, link: 3
        assertEquals(13, inv.inodes());
        assertEquals(1000 + 5 + 200 + 30, inv.uniqueBytes());
        assertEquals(3 * 1000 + 5 + 2 * 200 + 30, inv.apparentBytes());
        assertEquals(3, inv.specialFiles());
        assertEquals(3, inv.symlinks());
        assertEquals(0, inv.peakOpenInodes() > 4 ? -1 : 0, "only linked inodes are held: " + inv.peakOpenInodes());
    }

    @Test
    void t03_snapshotDepthTwoNamesRsnapshotLayouts() throws Exception {
        Path r = dir.resolve("r");
        Files.createDirectories(r.resolve("daily.0/localhost/etc"));
        Files.createDirectories(r.resolve("daily.1/localhost/etc"));
        Files.writeString(r.resolve("daily.0/localhost/etc/x"), "x");
        Inventory inv = run(r, 2, false);
        assertEquals(List.of("daily.0/localhost", "daily.1/localhost"), inv.snapshots().stream().map(SnapshotStats::toString).toList());
        assertEquals(3, inv.snapshots().get(0).paths());
    }

    @Test
    void t04_theReadTestReadsEveryInodeOnceAndFindsNothingOnAHealthyDisk() throws Exception {
        Inventory inv = run(farm(), 1, true);
        assertEquals(List.of(), inv.damaged());
        assertEquals(4, inv.inodesRead(), "shared, gone, new2, new3");
        assertEquals(1235, inv.bytesRead());
    }
}
