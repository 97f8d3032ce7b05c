package org.linkrescue.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * linkrescue in a JVM of its own, measured from outside by {@code /usr/bin/time -v}: its exit
 * code, stderr and peak resident memory. For what an in-process run cannot show: memory, a
 * crash of the JVM, an identity other than the test's (prefix the command, e.g. setpriv).
 * The JVM runs with the launcher's flags for copy runs.
 */
final class ChildRun {
    /** Writes the child's standard input; the child may stop reading at any point. */
    interface Feed {
        void write(OutputStream in) throws IOException;
    }

    record Result(int code, String err, long peakRssKiB) {}

    private final List<String> prefix = new ArrayList<>();
    private boolean nobody;
    private final List<String> jvm = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    private Feed feed;

    /** Runs the JVM through these first (setpriv ...), under time(1). */
    ChildRun as(String... command) {
        prefix.addAll(List.of(command));
        return this;
    }

    /**
     * As the user nobody, under umask 022 (setpriv). Its scratch directories must be writable
     * by nobody; the class path is copied where nobody can read it (~/.m2 is root's alone).
     */
    ChildRun asNobody() {
        nobody = true;
        return as("sh", "-c", "umask 022 && exec \"$@\"", "sh",
                "setpriv", "--reuid", "nobody", "--regid", "nogroup", "--clear-groups");
    }

    private static String readableClassPath;

    /** The test class path, its entries under /root copied to a directory anyone may read. */
    static synchronized String readableClassPath() throws IOException {
        if (readableClassPath != null) return readableClassPath;
        Path dir = Files.createTempDirectory("lr-classpath-");
        dir.toFile().setReadable(true, false);
        dir.toFile().setExecutable(true, false);
        dir.toFile().deleteOnExit();
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (!e.startsWith("/root/") || !Files.isRegularFile(p)) {
                out.add(e);
                continue;
            }
            Path copy = dir.resolve((i++) + "-" + p.getFileName());
            Files.copy(p, copy);
            copy.toFile().setReadable(true, false);
            copy.toFile().deleteOnExit();
            out.add(copy.toString());
        }
        return readableClassPath = String.join(java.io.File.pathSeparator, out);
    }

    ChildRun jvm(String... options) {
        jvm.addAll(List.of(options));
        return this;
    }

    ChildRun stdin(Feed f) {
        this.feed = f;
        return this;
    }

    Result run(Path scratch, String... args) throws IOException, InterruptedException {
        Path times = Files.createTempFile(scratch, "time", ".txt");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", times.toString()));
        cmd.addAll(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", nobody ? readableClassPath() : System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        if (feed == null) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        Thread writer = null;
        if (feed != null) {
            writer = new Thread(() -> {
                try (OutputStream in = p.getOutputStream()) {
                    feed.write(in);
                } catch (IOException stoppedReading) {
                    // the child refused the archive and exited: the rest is never wanted
                }
            }, "child-stdin");
            writer.start();
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child did not finish: " + err);
        }
        if (writer != null) {
            writer.interrupt();
            writer.join(10_000);
        }
        long rss = -1;
        for (String l : Files.readAllLines(times)) {
            String t = l.strip();
            if (t.startsWith("Maximum resident set size (kbytes):")) rss = Long.parseLong(t.substring(t.indexOf(':') + 1).strip());
        }
        Files.deleteIfExists(times);
        // time(1) reports a child killed by a signal as "Command terminated by signal N" and exits 1.
        return new Result(p.exitValue(), err, rss);
    }
}
