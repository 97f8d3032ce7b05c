package org.linkrescue.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * linkrescue as a live child process, to signal while it runs: SIGINT, SIGTERM, kill -9,
 * the exit code the JVM really ends with. The child runs the test classpath's {@code Main} under
 * the Latin-1 locale the tests inherit, with SIGINT and SIGTERM set back to their defaults
 * ({@code env --default-signal}): a process started from a non-interactive shell's background
 * job inherits SIGINT ignored, and the JVM installs no handler for an ignored signal. Its
 * stdout and stderr go to files beside the test's scratch directory.
 */
final class LiveChild implements AutoCloseable {
    /**
     * Bound when the class loads, before any child starts: binding jnr-posix on first use took
     * ~0.5 s in a test JVM, long enough for a whole archive to end between seeing the point to
     * freeze at and the SIGSTOP.
     */
    private static final POSIX NATIVE = POSIXFactory.getNativePOSIX();
    private final Process process;
    private final Path out, err;
    private final long started = System.nanoTime();

    private LiveChild(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts linkrescue with args; its output goes to files in dir. */
    static LiveChild start(Path dir, String... args) throws IOException {
        return start(dir, null, args);
    }

    /** As {@link #start(Path, String...)}, with stdin read from the file in (null: nothing). */
    static LiveChild start(Path dir, Path in, String... args) throws IOException {
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "child-", ".out");
        Path err = Files.createTempFile(dir, "child-", ".err");
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT,TERM",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-cp", System.getProperty("java.class.path"), "org.linkrescue.cli.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.redirectInput(in == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null")) : ProcessBuilder.Redirect.from(in.toFile()));
        return new LiveChild(pb.start(), out, err);
    }

    long pid() { return process.pid(); }

    boolean alive() { return process.isAlive(); }

    /** Sends a signal by name (INT, TERM, KILL) with kill(1). */
    void signal(String name) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).inheritIO().start();
        if (k.waitFor() != 0) throw new IOException("kill -s " + name + " " + process.pid() + " failed");
    }

    /**
     * Polls until condition holds, then freezes the child (SIGSTOP, sent at once, not through a
     * forked kill(1)): a signal sent next meets the run where the condition held, however fast
     * the run has become. False when the child exited first or limit passed.
     */
    boolean freezeWhen(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return send(Signal.SIGSTOP) && stopped(end); // not sent: it is gone
            if (!process.isAlive()) return false;
            Thread.sleep(2);
        }
        return false;
    }

    /**
     * Waits until the kernel shows the child stopped (a signal is delivered, not taken, when
     * kill returns); false when it exited instead (a zombie, or reaped) or the deadline passed.
     */
    private boolean stopped(long deadline) throws InterruptedException {
        Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
        while (System.nanoTime() < deadline) {
            String s;
            try {
                s = Files.readString(stat, StandardCharsets.ISO_8859_1);
            } catch (IOException gone) {
                return false;
            }
            char state = s.charAt(s.lastIndexOf(')') + 2); // after "pid (comm) "
            if (state == 'T' || state == 't') return true;
            if (state == 'Z' || state == 'X') return false;
            Thread.sleep(1);
        }
        return false;
    }

    /** Sends a signal by name to the child frozen by {@link #freezeWhen}, then lets it go on (SIGCONT). */
    void signalFrozen(String name) throws IOException, InterruptedException {
        signal(name);
        send(Signal.SIGCONT); // fails (ESRCH) once a KILL has taken it and it was reaped: nothing left to go on
    }

    /** Whether the signal was sent: false when the process is gone (reaped, though isAlive may not say so yet). */
    private boolean send(Signal s) {
        return NATIVE.kill((int) process.pid(), s.intValue()) == 0;
    }

    /** Waits for the exit; fails the test (killing the child) when it takes longer than limit. */
    int waitFor(Duration limit) throws InterruptedException, IOException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new AssertionError("linkrescue did not exit within " + limit + "; stderr:\n" + err());
        }
        return process.exitValue();
    }

    /**
     * Polls until condition holds; returns false when the child exited first or limit passed
     * (the caller decides whether that fails its test).
     */
    boolean awaitWhileRunning(BooleanSupplier condition, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) return true;
            if (!process.isAlive()) return condition.getAsBoolean();
            Thread.sleep(5);
        }
        return false;
    }

    /** Milliseconds since start. */
    long elapsedMillis() { return (System.nanoTime() - started) / 1_000_000; }

    String err() throws IOException { return Files.readString(err, StandardCharsets.UTF_8); }

    byte[] out() throws IOException { return Files.readAllBytes(out); }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
