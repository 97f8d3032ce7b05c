package org.linkrescue.testdata;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A FUSE file system for tests: a read-only pass-through over a real directory whose calls fail
 * or stall by {@link Fault} rules the test adds, changes and removes while it is mounted, and
 * which counts every call per operation and path. It stands for a drive that stalls a
 * directory listing, fails an lstat, hangs a read in the kernel, or returns EIO for chosen bytes
 * of a file or a disk image.
 *
 * <p>The file system is {@code faultfs.py} (Debian python3-fusepy, run by /usr/bin/python3, not
 * a pyenv python that lacks it), mounted with {@code use_ino} (the backing inode numbers, so hard
 * links show as links), attribute and entry caches off (every lstat reaches it, and is
 * counted), read-only. With {@code directIo} reads bypass the page cache: every read(2) is one
 * call to the file system, a short answer is kept short, and a reader stalled there sits in the
 * kernel's {@code request_wait_answer}, where no signal reaches it.
 *
 * <p>A call held in a directory holds every lookup and listing of that directory (libfuse 2
 * does not offer FUSE_PARALLEL_DIROPS, so the kernel serialises them): to stall one lstat, give
 * the file a directory of its own, or its neighbours stall too.
 *
 * <p>{@link #close} releases every stall, unmounts ({@code fusermount -u}, else lazily) and
 * ends the daemon, also after a failed test; if the JVM dies, the daemon sees its input end
 * and unmounts itself.
 */
public final class FaultFs implements AutoCloseable {
    /** The calls a rule can hit. GETATTR is every lstat/stat (and each lookup of a name). */
    public enum Op {
        GETATTR, OPENDIR, READDIR, OPEN, READ, READLINK, LISTXATTR, GETXATTR, STATFS;

        String wire() { return name().toLowerCase(Locale.ROOT); }
    }

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final long MOUNT_WAIT_MILLIS = 15_000;

    private final Path mountPoint, log;
    private final Process daemon;
    private final Writer commands;
    private final BufferedReader replies;
    private boolean mounted;

    /** Why FaultFs cannot run here, or null: needs /dev/fuse usable, python3-fusepy, fusermount. */
    public static String unavailableReason() {
        Path dev = Path.of("/dev/fuse");
        if (!Files.exists(dev)) return "needs /dev/fuse (the fuse kernel module)";
        if (!Files.isReadable(dev) || !Files.isWritable(dev)) return "needs access to /dev/fuse (root)";
        if (!Files.isExecutable(PYTHON)) return "needs /usr/bin/python3";
        if (!Commands.available("fusermount") && !Commands.available("fusermount3"))
            return "needs fusermount (Debian package fuse3)";
        try {
            Commands.run(null, PYTHON.toString(), "-c", "import fusepy");
        } catch (RuntimeException e) {
            return "needs python3-fusepy for /usr/bin/python3";
        }
        return null;
    }

    /**
     * Mounts a pass-through of backing at workDir/mnt (workDir also gets the script and the
     * daemon's log) and returns once the kernel has initialised the mount.
     */
    public static FaultFs mount(Path backing, Path workDir, boolean directIo) throws IOException {
        Path mnt = workDir.resolve("mnt"), script = workDir.resolve("faultfs.py");
        Files.createDirectories(mnt);
        try (InputStream in = FaultFs.class.getResourceAsStream("faultfs.py")) {
            if (in == null) throw new IOException("faultfs.py is missing from the testdata jar");
            Files.write(script, in.readAllBytes());
        }
        ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), script.toString(),
                backing.toAbsolutePath().toString(), mnt.toAbsolutePath().toString());
        if (directIo) pb.command().add("direct_io");
        pb.environment().put("PATH", Commands.PATH);
        Path log = workDir.resolve("faultfs.log");
        pb.redirectError(log.toFile());
        FaultFs fs = new FaultFs(mnt, log, pb.start());
        try {
            fs.awaitMounted();
            return fs;
        } catch (IOException | RuntimeException e) {
            fs.close();
            throw e;
        }
    }

    private FaultFs(Path mountPoint, Path log, Process daemon) {
        this.mountPoint = mountPoint.toAbsolutePath();
        this.log = log;
        this.daemon = daemon;
        this.commands = new OutputStreamWriter(daemon.getOutputStream(), StandardCharsets.US_ASCII);
        this.replies = new BufferedReader(new InputStreamReader(daemon.getInputStream(), StandardCharsets.US_ASCII));
    }

    private void awaitMounted() throws IOException {
        long deadline = System.currentTimeMillis() + MOUNT_WAIT_MILLIS;
        while (!isMounted()) {
            if (!daemon.isAlive()) throw new IOException("faultfs exited with " + daemon.exitValue() + ": " + logTail());
            if (System.currentTimeMillis() > deadline) throw new IOException("faultfs did not mount in 15 s: " + logTail());
            sleep(20);
        }
        mounted = true;
        String first = replies.readLine();
        if (!"ready".equals(first)) throw new IOException("faultfs said " + first + " instead of ready: " + logTail());
    }

    /** The mounted pass-through of the backing directory. */
    public Path root() { return mountPoint; }

    /** Adds a rule, in force from the next call; the first matching rule wins. */
    public Rule add(Fault f) throws IOException {
        StringBuilder j = new StringBuilder("{\"cmd\":\"add\",\"ops\":[");
        j.append(f.ops().stream().map(o -> "\"" + o.wire() + "\"").sorted().collect(Collectors.joining(",")));
        j.append("],\"path\":").append(json(f.path())).append(",\"glob\":").append(json(f.glob()))
                .append(",\"start\":").append(f.from()).append(",\"end\":").append(f.to())
                .append(",\"errno\":").append(f.errno())
                .append(",\"stall\":").append(f.stallMillis() == Fault.UNTIL_RELEASED ? "-1" : f.stallMillis() / 1000.0)
                .append(",\"times\":").append(f.times()).append('}');
        return new Rule(number(ask(j.toString())));
    }

    /** Removes a rule; calls it holds go on. */
    public void remove(Rule r) throws IOException { ask("{\"cmd\":\"remove\",\"id\":" + r.id() + "}"); }

    /** Lets every held call go on; the rules stay but stall no more. */
    public void release() throws IOException { ask("{\"cmd\":\"release\",\"id\":null}"); }

    public void release(Rule r) throws IOException { ask("{\"cmd\":\"release\",\"id\":" + r.id() + "}"); }

    /** Removes every rule and releases every held call. */
    public void clear() throws IOException { ask("{\"cmd\":\"clear\"}"); }

    /** Calls of op on path (relative to the root, "" the root itself) so far, faulted or not. */
    public long count(Op op, String path) throws IOException {
        return number(ask("{\"cmd\":\"count\",\"op\":\"" + op.wire() + "\",\"path\":" + json(path) + "}"));
    }

    /** Calls of op on every path so far. */
    public long count(Op op) throws IOException { return count(op, null); }

    /** Bytes served by reads of path (null: of every path). */
    public long bytesRead(String path) throws IOException {
        return number(ask("{\"cmd\":\"bytes\",\"path\":" + json(path) + "}"));
    }

    /** Calls being held by a stall right now. */
    public int stalled() throws IOException { return (int) number(ask("{\"cmd\":\"stalled\"}")); }

    /** Waits until at least n calls are held; throws after timeoutMillis. */
    public void awaitStalled(int n, long timeoutMillis) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (stalled() < n) {
            if (System.currentTimeMillis() > deadline) throw new IOException(n + " stalled calls not seen in " + timeoutMillis + " ms");
            sleep(10);
        }
    }

    /** Sets every count to zero. */
    public void resetCounts() throws IOException { ask("{\"cmd\":\"reset\"}"); }

    /** A rule's handle, to release or remove it. */
    public record Rule(long id) {}

    private synchronized String ask(String command) throws IOException {
        if (!daemon.isAlive()) throw new IOException("faultfs is not running: " + logTail());
        commands.write(command);
        commands.write('\n');
        commands.flush();
        String reply = replies.readLine();
        if (reply == null) throw new IOException("faultfs ended: " + logTail());
        if (!reply.startsWith("ok")) throw new IOException("faultfs refused " + command + ": " + reply);
        return reply;
    }

    private static long number(String reply) { return Long.parseLong(reply.substring(3).trim()); }

    /** A JSON string whose every non-ASCII char is a \\u escape: the daemon reads them as bytes (Latin-1). */
    private static String json(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20 || c > 0x7e) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }

    private boolean isMounted() throws IOException {
        String target = " " + mountPoint + " ";
        return Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.ISO_8859_1).stream()
                .anyMatch(l -> l.contains(target));
    }

    private String logTail() {
        try {
            String s = Files.readString(log, StandardCharsets.ISO_8859_1).strip();
            return s.isEmpty() ? "(nothing in its log)" : s.substring(Math.max(0, s.length() - 2000));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Releases every stall, unmounts and ends the daemon. A mount still busy (a reader that
     * has not let go) is detached lazily; safe to call twice.
     */
    @Override
    public void close() throws IOException {
        if (daemon.isAlive()) {
            try { clear(); } catch (IOException ignored) { /* ending anyway */ }
        }
        if (mounted || isMounted()) {
            if (!tryRun("fusermount", "-u", mountPoint.toString()) && !tryRun("umount", mountPoint.toString()))
                tryRun("umount", "-l", mountPoint.toString());
        }
        try { commands.close(); } catch (IOException ignored) { /* the daemon may be gone */ }
        try {
            if (!daemon.waitFor(10, TimeUnit.SECONDS)) {
                daemon.destroyForcibly();
                daemon.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (isMounted()) tryRun("umount", "-l", mountPoint.toString());
        mounted = false;
        if (isMounted()) throw new IOException(mountPoint + " is still mounted");
    }

    private static boolean tryRun(String... cmd) {
        try {
            Commands.run(null, cmd);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
