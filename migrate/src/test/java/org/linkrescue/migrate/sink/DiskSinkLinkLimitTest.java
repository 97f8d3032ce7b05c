package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.linkrescue.migrate.sink.Entries.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.stream.BytesContent;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * On a real ext4 (65,000 links per inode at most), an inode linked more often than that gets a
 * separate copy, as storeBackup does, and the links after it go to the copy.
 */
class DiskSinkLinkLimitTest {
    @TempDir Path base;

    @Test
    void linkLimitOfTheTargetGivesASeparateCopyAndLaterLinksGoThere() throws Exception {
        assumeTrue(Posix.isRoot(), "needs root to mount an ext4 image; skipped");
        Path img = base.resolve("ext4.img");
        Path mnt = Files.createDirectory(base.resolve("mnt"));
        TreeSnapshot.run(List.of("truncate", "-s", "64m", img.toString()));
        TreeSnapshot.run(List.of("mkfs.ext4", "-q", "-F", img.toString()));
        TreeSnapshot.run(List.of("mount", "-o", "loop", img.toString(), mnt.toString()));
        RecordingProblems problems = new RecordingProblems();
        DiskSink sink = null;
        try {
            Path target = mnt.resolve("t");
            sink = DiskSink.open(Names.bytes(target.toString()), DiskSink.Options.defaults(), problems);
            sink.accept(with(file("s0/f", 0640, 4), 0, 0, T, 5), new BytesContent(Names.bytes("data")));
            int total = 65_100; // 65,000 names for the first inode, then the copy and 99 links to it
            for (int i = 1; i < total; i++) {
                sink.accept(hardLink("s" + (i / 1000 + 1) + "/l" + i, "s0/f"), null);
            }
            sink.finish();
            List<RecordingProblems.Report> warns = problems.of(Grade.WARN);
            assertEquals(1, warns.size(), problems.toString());
            assertEquals("s66/l65000", warns.get(0).path());
            assertTrue(warns.get(0).what().contains("EMLINK") && warns.get(0).what().contains("separate copy"), warns.toString());
            assertEquals(problems.reports, warns);
            assertEquals(1, sink.counts().linkCopies());
            assertEquals(total - 2, sink.counts().links());

            String out = TreeSnapshot.run(List.of("find", target.toString(), "-type", "f", "-printf", "%i %n %m %T@ %s\\n"));
            Map<String, Integer> byInode = new TreeMap<>();
            out.lines().forEach(l -> byInode.merge(l, 1, Integer::sum));
            assertEquals(2, byInode.size(), byInode.keySet().toString());
            assertEquals(List.of(65_000, 100), byInode.values().stream().sorted((a, b) -> b - a).toList());
            for (String l : byInode.keySet()) {
                String[] f = l.split(" ");
                assertEquals(String.valueOf(byInode.get(l)), f[1], l);
                assertEquals("640 " + T + ".0000000050 4", f[2] + " " + f[3] + " " + f[4], l);
            }
            assertEquals("data", Files.readString(target.resolve("s66/l65000")));
            assertEquals(Files.getAttribute(target.resolve("s66/l65000"), "unix:ino"),
                    Files.getAttribute(target.resolve("s66/l65099"), "unix:ino"));
        } finally {
            if (sink != null) sink.close();
            TreeSnapshot.run(List.of("umount", mnt.toString()));
        }
    }
}
