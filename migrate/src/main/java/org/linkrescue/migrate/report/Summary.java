package org.linkrescue.migrate.report;

import java.util.Locale;
import org.linkrescue.migrate.stream.Problems.Grade;

/** The one closing line every run prints to stderr, and the byte/rate formatting it shares with progress. */
public final class Summary {
    private Summary() {}

    public static String line(String command, Outcome outcome, RunTotals t, ProblemLog p) {
        StringBuilder sb = new StringBuilder("linkrescue: ").append(command)
                .append(switch (outcome) {
                    case COMPLETE -> " done";
                    case INCOMPLETE -> " finished with losses";
                    case FAILED -> " stopped by a fatal error";
                    case INTERRUPTED -> " stopped";
                })
                .append(outcome == Outcome.FAILED || outcome == Outcome.INTERRUPTED ? " after " : " in ").append(seconds(t.elapsedNanos())).append(": ")
                .append(Counts.of(t).text());
        long failed = p.count(Grade.FAILED), warn = p.count(Grade.WARN);
        if (failed > 0) sb.append("; ").append(String.format(Locale.ROOT, "%,d", failed)).append(" FAILED");
        if (t.damagedInodes() > 0) sb.append("; ").append(count(t.damagedInodes(), "damaged file")).append(" (bytes zero-filled)");
        if (warn > 0) sb.append("; ").append(count(warn, "warning"));
        return sb.toString();
    }

    /** "1 path", "1,552 paths", "2 directories": every count a person reads, one way. */
    public static String count(long n, String singular) {
        String plural = singular.endsWith("y") ? singular.substring(0, singular.length() - 1) + "ies" : singular + "s";
        return String.format(Locale.ROOT, "%,d ", n) + (n == 1 ? singular : plural);
    }

    public static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** 1023 B, 1.5 MiB, 2.40 GiB: humans read sizes, the report keeps exact numbers. */
    public static String bytes(long n) {
        if (n < 1024) return n + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
        return String.format(Locale.ROOT, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }
}
