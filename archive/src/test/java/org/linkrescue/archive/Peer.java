package org.linkrescue.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a real tool (GNU tar, bsdtar, find, xz...) as an oracle. Arguments and file names are
 * Latin-1 stand-ins for bytes (the JVM runs under a Latin-1 locale, so they pass unchanged).
 * The tools themselves run under C.UTF-8, the locale a user's shell most likely has.
 */
final class Peer {
    private Peer() {}

    record Result(int rc, byte[] out, String err) {
        String outText() { return new String(out, StandardCharsets.ISO_8859_1); }
    }

    static Result run(Path dir, byte[] stdin, String... cmd) {
        return run(dir, stdin, List.of(cmd));
    }

    static Result run(Path dir, byte[] stdin, List<String> cmd) {
        try {
            Process p = start(dir, cmd);
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin);
            } catch (IOException broken) {
                // the tool may exit before reading all of stdin; its exit code tells
            }
            int rc = p.waitFor();
            return new Result(rc, out.join(), new String(err.join(), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static Process start(Path dir, List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (dir != null) pb.directory(dir.toFile());
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().remove("LOCPATH");
        return pb.start();
    }

    static CompletableFuture<byte[]> drain(InputStream s) {
        return CompletableFuture.supplyAsync(() -> {
            try (s) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                s.transferTo(b);
                return b.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Runs and insists on exit code 0; returns stdout. */
    static byte[] ok(Path dir, String... cmd) {
        Result r = run(dir, null, cmd);
        if (r.rc() != 0) throw new AssertionError(String.join(" ", cmd) + " exited " + r.rc() + ": " + r.err());
        return r.out();
    }

    /** Runs a bash script (the script text is Latin-1: bytes pass through). */
    static byte[] bash(Path dir, String script) {
        return ok(dir, "bash", "-euc", script);
    }
}
