package org.linkrescue.migrate.rescue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Problems;

/** A tiny vocabulary for rescue specs: files with exact bytes and ns mtimes, and one read. */
final class RescueFixture {
    static final long MTIME = 1_700_000_000L;
    static final int NSEC = 123_456_789;

    final List<String> problems = new ArrayList<>();
    final Problems policy = (g, p, w) -> problems.add(g + " " + (p == null ? "-" : Names.latin1(p)) + ": " + w);

    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes a file with the fixture mtime (to the nanosecond). */
    static Path file(Path p, byte[] data) throws IOException { return file(p, data, MTIME, NSEC); }

    static Path file(Path p, byte[] data, long sec, int nsec) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        Posix.lutimensAt(Posix.AT_FDCWD, Names.bytes(p.toString()), sec, nsec, sec, nsec);
        return p;
    }

    static Stat lstat(Path p) throws IOException { return Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(p.toString())); }

    /** Opens root/rel through the source and feeds it whole; returns the bytes delivered. */
    static byte[] read(RescueContentSource src, Path root, String rel, Content[] keep) throws IOException {
        Path p = root.resolve(rel);
        int dir = Posix.openat(Posix.AT_FDCWD, Names.bytes(p.getParent().toString()), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        try (Content c = src.open(Names.bytes(rel), dir, Names.bytes(p.getFileName().toString()), lstat(p))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            c.feed((b, off, len) -> out.write(b, off, len));
            if (out.size() != c.size()) throw new AssertionError("delivered " + out.size() + " of " + c.size());
            if (keep != null) keep[0] = c;
            return out.toByteArray();
        } finally {
            Posix.close(dir);
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** data with [from, to) replaced by zeros. */
    static byte[] zeroed(byte[] data, long from, long to) {
        byte[] r = data.clone();
        java.util.Arrays.fill(r, (int) from, (int) to, (byte) 0);
        return r;
    }
}
