package org.linkrescue.migrate.verify;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;

/**
 * Runs a recursive walk on a thread with a large stack: a tree can be thousands of directories
 * deep (paths far over 4096 bytes), deeper than a default 1 MiB thread stack recurses.
 */
public final class BigStack {
    private static final long STACK = 512L << 20; // reserved address space, not memory used

    public interface Walk { void run() throws IOException; }

    private BigStack() {}

    public static void run(Walk w) throws IOException {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                w.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "linkrescue-walk", STACK);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        Throwable f = failure[0];
        if (f == null) return;
        if (f instanceof IOException io) throw io;
        if (f instanceof UncheckedIOException u) throw u.getCause();
        if (f instanceof RuntimeException r) throw r;
        if (f instanceof Error e) throw e;
        throw new IOException(f);
    }
}
