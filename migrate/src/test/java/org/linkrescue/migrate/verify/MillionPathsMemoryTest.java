package org.linkrescue.migrate.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Names;

/**
 * A million paths verified in a 64 MiB heap, in a JVM of its own: 100 directories x 10,000
 * hard links of 5 inodes per tree (on tmpfs, so it builds in seconds). Memory must follow the
 * inodes with open links (5 per side), not the paths.
 */
class MillionPathsMemoryTest {
    static final int DIRS = 100, LINKS = 10_000, INODES = 5;

    @Test
    void aMillionPathsVerifyInA64MiBHeap() throws Exception {
        Path base = Files.createTempDirectory(Path.of("/dev/shm"), "lr-million-");
        try {
            build(base.resolve("src"));
            build(base.resolve("dst"));
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-cp", System.getProperty("java.class.path"), Child.class.getName(),
                    base.resolve("src").toString(), base.resolve("dst").toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains("paths=" + (1 + DIRS + (long) DIRS * LINKS + INODES)), out);
            assertTrue(out.contains("peakOpenInodes=" + 2 * INODES), out);
            assertTrue(out.contains("differences=0"), out);
        } finally {
            TestTrees.sh("rm -rf '" + base + "'");
        }
    }

    /** DIRS dirs, each with LINKS names spread over INODES files made in the first dir. */
    static void build(Path root) throws Exception {
        Files.createDirectories(root);
        Path first = Files.createDirectories(root.resolve("d000"));
        for (int i = 0; i < INODES; i++) {
            Path f = Files.writeString(first.resolve("inode" + i), "content " + i);
            Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.fromMillis(1_600_000_000_000L));
        }
        for (int d = 0; d < DIRS; d++) {
            Path dir = Files.createDirectories(root.resolve(String.format("d%03d", d)));
            for (int k = 0; k < LINKS; k++) {
                Path l = dir.resolve(String.format("l%05d", k));
                Files.createLink(l, first.resolve("inode" + (k % INODES)));
            }
        }
        // directory mtimes differ between the two builds: set them all alike
        TestTrees.sh("find '" + root + "' -type d -exec touch -d '2020-02-02 02:02:02.5' {} +");
    }

    /** Runs in the small heap: verifies and prints the counts and the heap used. */
    public static final class Child {
        public static void main(String[] a) throws Exception {
            TestTrees.Result r = TestTrees.verify(Path.of(a[0]), Path.of(a[1]));
            System.gc();
            long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            System.out.println("paths=" + r.tally.paths() + " differences=" + r.differences.size()
                    + " problems=" + r.problems.size() + " peakOpenInodes=" + r.verifier.peakOpenInodes()
                    + " heapUsedAfter=" + used + " maxHeap=" + Runtime.getRuntime().maxMemory());
            if (!r.problems.isEmpty()) System.out.println(r.problems.subList(0, Math.min(5, r.problems.size())));
        }
    }
}
