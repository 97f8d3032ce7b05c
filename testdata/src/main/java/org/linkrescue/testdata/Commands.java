package org.linkrescue.testdata;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Runs a real command (find, tar, rsync, bash...) and hands back its stdout as raw bytes.
 *
 * <p>Every child runs under {@code LC_ALL=C} with a plain PATH: the tools then print names as
 * raw bytes and {@code find -execdir} accepts the PATH. A non-zero exit status throws with the
 * command, the status and the child's stderr, so a broken fixture fails loudly instead of
 * producing a wrong tree.
 *
 * <p>Arguments are Java Strings; they reach the child byte-exact only when the JVM's file-name
 * charset is ISO-8859-1 (the test JVMs run so). {@link #run} refuses a non-ASCII argument
 * under any other charset rather than pass mangled bytes.
 */
public final class Commands {

    static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Commands() {}

    /** Runs {@code command} in {@code workDir} (null: the current directory); returns stdout. */
    public static byte[] run(Path workDir, String... command) {
        return run(workDir, Map.of(), command);
    }

    /** As {@link #run(Path, String...)} with extra environment variables for the child. */
    public static byte[] run(Path workDir, Map<String, String> extraEnv, String... command) {
        for (String arg : command) {
            requireByteExact(arg);
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Map<String, String> env = pb.environment();
        env.remove("LOCPATH");
        env.remove("LANG");
        env.put("LC_ALL", "C");
        env.put("PATH", PATH);
        env.putAll(extraEnv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path errFile = null;
        try {
            // stderr to a file: a chatty child can never block on a full pipe we do not read.
            errFile = Files.createTempFile("linkrescue-cmd", ".err");
            pb.redirectError(errFile.toFile());
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            int status = p.waitFor();
            if (status != 0) {
                String err = new String(Files.readAllBytes(errFile), StandardCharsets.ISO_8859_1);
                throw new IllegalStateException("command failed with exit status " + status + ": "
                        + shorten(String.join(" ", command)) + "\n" + shorten(err.strip()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        } finally {
            if (errFile != null) {
                try {
                    Files.deleteIfExists(errFile);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    /** Runs a bash script given as text, with {@code args} as $1, $2... */
    public static byte[] bash(Path workDir, String script, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", script, "bash"));
        cmd.addAll(Arrays.asList(args));
        return run(workDir, cmd.toArray(String[]::new));
    }

    /** True when the current process runs as root (uid 0). */
    public static boolean isRoot() {
        return new String(run(null, "id", "-u"), StandardCharsets.US_ASCII).strip().equals("0");
    }

    /** True when {@code tool} is on the PATH the children get. */
    public static boolean available(String tool) {
        try {
            bash(null, "command -v \"$1\" >/dev/null", tool);
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /**
     * Removes {@code dir} and everything under it with {@code rm -rf}, after making every
     * directory writable. JUnit's {@code @TempDir} cleanup cannot delete paths over 4096 bytes
     * (Java hands the kernel whole paths); rm walks relative to directory descriptors. Call it
     * from {@code @AfterEach}/{@code @AfterAll} on a subdirectory of the temp dir.
     */
    public static void removeTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        bash(null, "chmod -R u+rwx -- \"$1\" 2>/dev/null; rm -rf -- \"$1\"", dir.toAbsolutePath().toString());
    }

    static void requireByteExact(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7f) {
                String jnu = System.getProperty("sun.jnu.encoding", "");
                if (!jnu.equalsIgnoreCase("ISO-8859-1") && !jnu.equalsIgnoreCase("ISO8859-1")
                        && !jnu.equalsIgnoreCase("ISO8859_1")) {
                    throw new IllegalStateException("a non-ASCII file name needs the JVM to run under the"
                            + " C.ISO-8859-1 locale (sun.jnu.encoding is " + jnu + "); run the tests"
                            + " through Maven, which sets LOCPATH and LC_ALL");
                }
                return;
            }
        }
    }

    static String shorten(String s) {
        return s.length() <= 4000 ? s : s.substring(0, 2000) + " ...(" + s.length() + " chars)... "
                + s.substring(s.length() - 1000);
    }
}
