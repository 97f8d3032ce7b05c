package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI run on a real terminal: util-linux `script` gives the child a pseudo-terminal for
 * stdin, stdout and stderr, as a user's shell does.
 */
class TerminalTest {
    @TempDir Path dir;

    /** Runs linkrescue with args on an 80-column pseudo-terminal; the terminal's output, and the exit code. */
    static Result onTerminal(Path cwd, String... args) throws IOException, InterruptedException {
        return onTerminal(80, cwd, args);
    }

    /** The same on a terminal columns wide. */
    static Result onTerminal(int columns, Path cwd, String... args) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is not installed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.linkrescue.cli.Main"));
        cmd.addAll(List.of(args));
        StringBuilder line = new StringBuilder();
        for (String c : cmd) line.append('\'').append(c.replace("'", "'\\''")).append("' ");
        // -e: script exits with the child's code; stdin from /dev/null: script's own input is not the terminal's
        ProcessBuilder pb = new ProcessBuilder("script", "-qec", line.toString(), "/dev/null")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.directory(cwd.toFile());
        pb.environment().put("COLUMNS", String.valueOf(columns)); // script's terminal has no size of its own: stdin is not one
        Process p = pb.redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "finished");
        return new Result(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
    }

    record Result(int code, String screen) {}

    @Test
    void t01_archiveDataIsNeverWrittenToATerminal() throws Exception {
        Files.createDirectories(dir.resolve("snaps/d1"));
        Files.writeString(dir.resolve("snaps/d1/f"), "data");
        Result r = onTerminal(dir, "archive", "snaps", "-f", "-");
        assertEquals(2, r.code(), r.screen());
        assertEquals("linkrescue: refusing to write archive data to a terminal (give -f FILE, or pipe: -f - | ...)\r\n", r.screen());
        Result copy = onTerminal(dir, "migrate", "snaps", "new", "--archive-copy", "-");
        assertEquals(2, copy.code(), copy.screen());
        assertFalse(Files.exists(dir.resolve("new")), "nothing made");
    }

    @Test
    void t02_archiveDataIsNeverReadFromATerminal() throws Exception {
        Result r = onTerminal(dir, "extract", "-f", "-", "-C", "out");
        assertEquals(2, r.code(), r.screen());
        assertTrue(r.screen().startsWith("linkrescue: refusing to read archive data from a terminal"), r.screen());
        assertFalse(Files.exists(dir.resolve("out")), "nothing made");
        Files.createDirectories(dir.resolve("snaps"));
        Result v = onTerminal(dir, "verify", "--archive", "-", "snaps");
        assertEquals(2, v.code(), v.screen());
    }
}
