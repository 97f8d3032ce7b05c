package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How much native memory (direct buffers) this JVM lets the run take, and the share of it the
 * read-ahead ring gets. File data passes through direct buffers (the ring, each read worker's
 * chunk buffer, the writers' staging): with a fixed 64 MiB ring, a JVM started with -Xmx64m
 * (whose direct memory is 64 MiB too) died before reading anything.
 *
 * <p>The limit is -XX:MaxDirectMemorySize when given (found on the JVM's command line or in
 * JAVA_TOOL_OPTIONS / JDK_JAVA_OPTIONS; asking the management beans costs 140 ms of start-up),
 * else the heap's maximum, which is the JVM's default for it.
 */
public final class DirectMemory {
    /** The ring's largest size: hundreds of typical files; more was not measured faster. */
    static final int RING_MAX = 64 << 20;
    /** The ring's share of direct memory: the read workers' buffers and the writers' need the rest. */
    static final int RING_SHARE = 4;

    private DirectMemory() {}

    /** The JVM's limit on direct buffers, in bytes. */
    public static long max() {
        long set = -1;
        try {
            byte[] cmd = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            for (String arg : new String(cmd, StandardCharsets.ISO_8859_1).split("\0")) set = option(arg, set);
        } catch (IOException | RuntimeException e) {
            // not Linux's /proc: the heap's size, the default
        }
        for (String env : new String[] {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"}) {
            String v = System.getenv(env);
            if (v != null) for (String arg : v.trim().split("\\s+")) set = option(arg, set);
        }
        return set > 0 ? set : Runtime.getRuntime().maxMemory();
    }

    /** The read-ahead ring's size for this JVM: a quarter of its direct memory, at most {@link #RING_MAX}, in whole 64 KiB. */
    public static int ringBytes() {
        return ringBytes(max());
    }

    static int ringBytes(long maxDirect) {
        long r = Math.min(RING_MAX, maxDirect / RING_SHARE);
        return (int) (r >> 16 << 16);
    }

    /** The value of -XX:MaxDirectMemorySize=N[kmg] in arg, else previous (a later option wins, as in the JVM). */
    static long option(String arg, long previous) {
        String key = "-XX:MaxDirectMemorySize=";
        if (!arg.startsWith(key)) return previous;
        String v = arg.substring(key.length()).toLowerCase(Locale.ROOT);
        try {
            long unit = switch (v.isEmpty() ? ' ' : v.charAt(v.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                case 'g' -> 1L << 30;
                case 't' -> 1L << 40;
                default -> 1;
            };
            return Long.parseLong(unit == 1 ? v : v.substring(0, v.length() - 1)) * unit;
        } catch (NumberFormatException e) {
            return previous;
        }
    }
}
