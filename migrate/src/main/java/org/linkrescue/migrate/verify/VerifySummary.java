package org.linkrescue.migrate.verify;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.stream.Collectors;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.report.Summary;
import org.linkrescue.migrate.stream.Json;

/**
 * The end of a verification, for humans (one screen: counts per kind, the first examples of
 * each) and for scripts (the JSON report's totals).
 */
public final class VerifySummary {
    /** What the run concluded; the CLI maps it to the exit code. */
    public enum Verdict {
        IDENTICAL, DIFFERENT, INCOMPLETE;

        public String word() { return name().toLowerCase(Locale.ROOT); }
    }

    private VerifySummary() {}

    /** DIFFERENT when anything differs; else INCOMPLETE when some path could not be compared; else IDENTICAL. */
    public static Verdict verdict(FindingLog log) {
        if (log.differences() > 0) return Verdict.DIFFERENT;
        if (log.errors() > 0) return Verdict.INCOMPLETE;
        return Verdict.IDENTICAL;
    }

    public static void print(PrintStream out, FindingLog log, Tally tally, String against) {
        Verdict v = verdict(log);
        out.println("verify: " + v.word().toUpperCase(Locale.ROOT) + ": " + Summary.count(tally.paths(), "path") + " compared with "
                + against + ", " + Summary.count(log.differences(), "difference") + ", " + Summary.count(log.errors(), "error"));
        for (DiffKind k : DiffKind.values()) {
            long n = log.count(k);
            if (n == 0) continue;
            out.printf(Locale.ROOT, "  %-15s %,d%n", k.word(), n);
            for (Difference d : log.examples(k)) out.println("      " + Names.display(d.path()) + ": " + d.detail());
            if (n > log.examples(k).size()) out.println("      ... (all of them with --json FILE)");
        }
        if (log.unverifiablePaths() > 0) {
            out.printf(Locale.ROOT, "  %-15s %,d paths, %,d bytes SOURCE cannot read (not compared, not counted as differences)%n",
                    "unverifiable", log.unverifiablePaths(), log.unverifiableBytes());
            for (FindingLog.Unverifiable u : log.unverifiableExamples()) {
                out.println("      " + Names.display(u.path()) + ": bytes "
                        + u.ranges().stream().map(Object::toString).collect(Collectors.joining(", ")));
            }
        }
        if (log.errors() > 0) {
            out.printf(Locale.ROOT, "  %-15s %,d (paths that could not be compared)%n", "errors", log.errors());
            for (String e : log.errorExamples()) out.println("      " + e);
        }
    }

    /** The totals object of the JSON report (after the findings array). */
    public static void totals(Json j, FindingLog log, Tally tally) throws IOException {
        j.name("totals").beginObject();
        j.field("paths", tally.paths()).field("bytesRead", tally.bytes()).field("differences", log.differences());
        j.name("byKind").beginObject();
        for (DiffKind k : DiffKind.values()) j.field(k.word(), log.count(k));
        j.endObject();
        j.field("unverifiablePaths", log.unverifiablePaths()).field("unverifiableBytes", log.unverifiableBytes());
        j.field("errors", log.errors());
        j.endObject();
        j.field("verdict", verdict(log).word());
    }
}
