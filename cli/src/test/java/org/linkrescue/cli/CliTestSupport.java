package org.linkrescue.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the CLI in-process and peer tools as processes. */
final class CliTestSupport {
    private CliTestSupport() {}

    record Result(int code, byte[] out, String err) {
        String outText() { return new String(out, StandardCharsets.UTF_8); }
    }

    static Result run(String... args) {
        return runWithInput(new ByteArrayInputStream(new byte[0]), args);
    }

    static Result runWithInput(InputStream in, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs a command (peer tool) and fails with its stderr unless it exits 0. */
    static String sh(Path cwd, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        // Peers run in the locale a user's shell has, not in our Latin-1 one (under which GNU tar
        // would recode Latin-1 names to UTF-8 in pax records).
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().put("LANG", "C.UTF-8");
        if (cwd != null) pb.directory(cwd.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        int code = p.waitFor();
        if (code != 0) throw new AssertionError(String.join(" ", cmd) + " exited " + code + ":\n" + out);
        return out;
    }

    /** Runs a command and returns its stdout as bytes; fails with its stderr unless it exits 0. */
    static byte[] shBytes(String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        int code = p.waitFor();
        if (code != 0) throw new AssertionError(String.join(" ", cmd) + " exited " + code);
        return out;
    }

    static List<String> args(String... a) { return new ArrayList<>(List.of(a)); }

    /**
     * A scratch directory removed with rm -rf: the fixtures hold paths over 4096 bytes, which
     * JUnit's @TempDir cannot delete.
     */
    static Path scratch() throws IOException {
        return java.nio.file.Files.createTempDirectory("linkrescue-test-");
    }

    /**
     * A scratch directory in memory (tmpfs /dev/shm) when there is one, else as {@link #scratch}:
     * for large trees that many runs read and write (the kill tests), so the disk's speed on a
     * shared machine does not set the suite's.
     */
    static Path scratchInMemory() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (java.nio.file.Files.isDirectory(shm) && java.nio.file.Files.isWritable(shm))
            return java.nio.file.Files.createTempDirectory(shm, "linkrescue-test-");
        return scratch();
    }

    static void remove(Path p) throws IOException, InterruptedException {
        if (p != null) sh(null, "rm", "-rf", p.toString());
    }

    /** Writes data to p (parents made) with mtime and atime sec.nsec exactly, by utimensat. */
    static Path writeFile(Path p, byte[] data, long sec, int nsec) throws IOException {
        java.nio.file.Files.createDirectories(p.getParent());
        java.nio.file.Files.write(p, data);
        org.linkrescue.migrate.fs.Posix.lutimensAt(org.linkrescue.migrate.fs.Posix.AT_FDCWD,
                org.linkrescue.archive.Names.bytes(p.toString()), sec, nsec, sec, nsec);
        return p;
    }
}
