package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/** A real terminal for tests: a detached tmux window (its own server) running one command, read as text. */
final class TmuxWindow implements AutoCloseable {
    private final String server = "lr" + ProcessHandle.current().pid() + "x" + System.nanoTime() % 100000;

    private TmuxWindow() {}

    /** A window of columns x rows running command (through bash -c); the test is skipped without tmux. */
    static TmuxWindow start(int columns, int rows, String command) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "tmux is not installed");
        TmuxWindow w = new TmuxWindow();
        w.tmux("new-session", "-d", "-s", w.server, "-x", String.valueOf(columns), "-y", String.valueOf(rows), "bash", "-c", command);
        return w;
    }

    String tmux(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", server));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return out;
    }

    void resize(int columns, int rows) throws IOException, InterruptedException {
        tmux("resize-window", "-t", server, "-x", String.valueOf(columns), "-y", String.valueOf(rows));
    }

    /** Keys as tmux send-keys names them: literal text, or "Tab", "Enter". */
    void send(String... keys) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("send-keys", "-t", server));
        args.addAll(List.of(keys));
        tmux(args.toArray(String[]::new));
    }

    /** The window's lines, trailing blank ones left out. */
    List<String> screen() throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>(tmux("capture-pane", "-p", "-t", server).lines().toList());
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) lines.remove(lines.size() - 1);
        return lines;
    }

    /** The screen once it shows what shown accepts, within millis; a failure names what it showed. */
    List<String> await(Predicate<List<String>> shown, long millis, String what) throws IOException, InterruptedException {
        long until = System.currentTimeMillis() + millis;
        List<String> s;
        while (!shown.test(s = screen())) {
            assertTrue(System.currentTimeMillis() < until, what + ": " + s);
            Thread.sleep(100);
        }
        return s;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        tmux("kill-server");
    }
}
