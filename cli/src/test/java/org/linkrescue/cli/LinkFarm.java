package org.linkrescue.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Random;

/**
 * A snapshot farm built fast in Java, for tests that need a run long enough to interrupt: snapshot
 * {@code s00} holds dirs x files small files of seeded random bytes; every later snapshot links
 * the one before, file for file ({@code cp -al}), except one file in ten, which is new. Times are
 * fixed (nanoseconds included), so two builds with one seed are the same tree.
 */
final class LinkFarm {
    private LinkFarm() {}

    /** Builds the farm in root (created); returns root. About snapshots x dirs x files paths. */
    static Path build(Path root, int snapshots, int dirs, int files, long seed) throws IOException {
        Random rnd = new Random(seed);
        for (int s = 0; s < snapshots; s++) {
            for (int d = 0; d < dirs; d++) {
                Path dir = root.resolve(String.format("s%02d/d%03d", s, d));
                Files.createDirectories(dir);
                for (int f = 0; f < files; f++) {
                    Path p = dir.resolve(String.format("f%03d", f));
                    if (s == 0 || rnd.nextInt(10) == 0) {
                        byte[] b = new byte[500 + rnd.nextInt(3000)];
                        rnd.nextBytes(b);
                        Files.write(p, b);
                        Files.setLastModifiedTime(p, FileTime.from(java.time.Instant.ofEpochSecond(1_700_000_000L + s, 123_456_789L + f)));
                    } else {
                        Files.createLink(p, root.resolve(String.format("s%02d/d%03d/f%03d", s - 1, d, f)));
                    }
                }
                Files.setLastModifiedTime(dir, FileTime.from(java.time.Instant.ofEpochSecond(1_690_000_000L + d, 5)));
            }
            Files.setLastModifiedTime(root.resolve(String.format("s%02d", s)),
                    FileTime.from(java.time.Instant.ofEpochSecond(1_680_000_000L + s, 7)));
        }
        return root;
    }
}
