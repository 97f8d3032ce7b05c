package org.linkrescue.migrate.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;

/**
 * Builds small snapshot trees the way the user's backups are made (a first snapshot, then
 * `cp -al` and changes), with the odd entries verify must see through: a large file, hard links
 * across snapshots, a symlink, a FIFO, a setuid file, a non-UTF-8 name, ns mtimes.
 */
final class TestTrees {
    private TestTrees() {}

    /** A non-UTF-8 file name (Latin-1 'e acute' as one byte), as a Latin-1 stand-in String. */
    static final String ODD = "caf" + (char) 0xe9 + ".txt";

    static Path snapshots(Path root) throws IOException, InterruptedException {
        Path s1 = Files.createDirectories(root.resolve("2024-01-01"));
        Files.createDirectories(s1.resolve("docs/deep"));
        Files.createDirectories(s1.resolve("empty"));
        byte[] big = new byte[3 * 1024 * 1024 + 123];
        new Random(42).nextBytes(big);
        Files.write(s1.resolve("big.bin"), big);
        Files.writeString(s1.resolve("docs/a.txt"), "alpha\n");
        Files.writeString(s1.resolve("docs/b.txt"), "bravo\n");
        Files.writeString(s1.resolve("docs/deep/c.txt"), "charlie\n");
        Files.write(s1.resolve("docs").resolve(ODD), "odd name\n".getBytes(StandardCharsets.ISO_8859_1));
        Files.createLink(s1.resolve("docs/a-link.txt"), s1.resolve("docs/a.txt"));
        Files.createSymbolicLink(s1.resolve("docs/to-b"), Path.of("b.txt"));
        Files.createSymbolicLink(s1.resolve("dangling"), Path.of("/nowhere/at/all"));
        Files.writeString(s1.resolve("setuid-tool"), "#!/bin/sh\n");
        sh("chmod 4755 '" + s1.resolve("setuid-tool") + "' && mkfifo '" + s1.resolve("fifo") + "'");
        Files.setLastModifiedTime(s1.resolve("docs/b.txt"), FileTime.from(java.time.Instant.ofEpochSecond(1_600_000_000L, 123_456_789)));
        Path s2 = root.resolve("2024-01-02");
        sh("cp -al '" + s1 + "' '" + s2 + "'");
        Files.delete(s2.resolve("docs/b.txt")); // changed in the second snapshot: a new inode
        Files.writeString(s2.resolve("docs/b.txt"), "bravo, revised\n");
        Files.writeString(s2.resolve("new.txt"), "only in the second\n");
        Path s3 = root.resolve("2024-01-03");
        sh("cp -al '" + s2 + "' '" + s3 + "'");
        Files.delete(s3.resolve("docs/deep/c.txt"));
        Files.createSymbolicLink(s3.resolve("latest"), Path.of("../2024-01-03")); // a symlink with one link
        sh("touch -d '2023-05-05 05:05:05.123456789' '" + root + "'/2024-01-0*/docs '" + root + "'");
        return root;
    }

    /** A correct copy with `cp -a` (keeps hard links, modes, owners, ns times). */
    static Path copy(Path src, Path dst) throws IOException, InterruptedException {
        sh("cp -a '" + src + "' '" + dst + "'");
        return dst;
    }

    static void sh(String cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (p.waitFor() != 0) throw new IOException("`" + cmd + "` failed: " + out);
    }

    /** Runs the tree verifier; returns what it found. */
    static Result verify(Path src, Path dst) throws IOException {
        return verify(src, dst, null);
    }

    static Result verify(Path src, Path dst, RescueHashes rescue) throws IOException {
        Result r = new Result();
        TreeVerifier v = new TreeVerifier(r, r.problems(), rescue, r.tally);
        v.verify(Names.bytes(src.toString()), Names.bytes(dst.toString()));
        r.verifier = v;
        return r;
    }

    /** Everything found, kept for assertions. */
    static final class Result implements Findings {
        final List<Difference> differences = new ArrayList<>();
        final List<String> unverifiable = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final Tally tally = new Tally();
        TreeVerifier verifier;
        final org.linkrescue.migrate.stream.Problems problemsSink = (g, p, w) ->
                problems.add(g + " " + (p == null ? "" : Names.latin1(p)) + ": " + w);

        org.linkrescue.migrate.stream.Problems problems() { return problemsSink; }

        @Override public void difference(Difference d) { differences.add(d); }

        @Override public void unverifiable(byte[] path, List<ByteRange> ranges, String why) {
            unverifiable.add(Names.latin1(path) + " " + ranges);
        }

        /** "kind path" lines, sorted, for exact assertions. */
        List<String> lines() {
            return differences.stream().map(d -> d.kind().word() + " " + Names.latin1(d.path())).sorted().toList();
        }

        @Override public String toString() { return differences + " " + unverifiable + " " + problems; }
    }
}
