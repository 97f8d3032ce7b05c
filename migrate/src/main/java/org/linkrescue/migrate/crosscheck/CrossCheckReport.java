package org.linkrescue.migrate.crosscheck;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.report.Summary;
import org.linkrescue.migrate.stream.Json;

/**
 * What a cross-check found, and what it cost: the inodes whose bytes disagree with their copies
 * (all their paths), how many were compared and how many had no comparable copy, the bytes read
 * from SOURCE and from the alternates.
 */
public record CrossCheckReport(List<Finding> findings, List<String> alternates, long inodesCompared, long inodesWithoutCopy,
                               long bytesFromSource, long bytesFromAlternates, long bytesNotCompared, List<String> copyErrors) {
    /** Paths shown per finding on screen (the JSON has them all). */
    static final int SHOWN_PATHS = 10;

    public CrossCheckReport {
        findings = List.copyOf(findings);
        alternates = List.copyOf(alternates);
        copyErrors = List.copyOf(copyErrors);
    }

    public boolean disagreements() { return !findings.isEmpty(); }

    /**
     * The ranges of each inode where SOURCE holds zeros of whole blocks and a copy does not:
     * "devId:ino" -> ranges (what migrate --cross-check treats as bad).
     */
    public Map<String, List<ByteRange>> sourceZeros() {
        Map<String, List<ByteRange>> out = new HashMap<>();
        for (Finding f : findings) {
            List<ByteRange> r = new ArrayList<>();
            for (Disagreement d : f.ranges()) if (d.sourceZeros()) r.add(d.range());
            if (!r.isEmpty()) out.put(f.devId() + ":" + f.ino(), r);
        }
        return out;
    }

    /** One line of totals and cost. */
    public String summary() {
        return String.format(Locale.ROOT, "cross-check: %,d inodes compared with %s, %,d without a copy of the same size and mtime;"
                        + " %,d disagree; read %s from SOURCE and %s from the alternates", inodesCompared,
                String.join(" and ", alternates), inodesWithoutCopy, findings.size(), Summary.bytes(bytesFromSource),
                Summary.bytes(bytesFromAlternates));
    }

    public void print(PrintStream out) {
        out.println(summary());
        for (Finding f : findings) {
            out.printf(Locale.ROOT, "  inode %d, %,d bytes, against %s:%n", f.ino(), f.size(), String.join(", ", f.copies()));
            for (Disagreement d : f.ranges()) out.println("    " + d);
            int k = 0;
            for (byte[] p : f.paths()) {
                if (k++ == SHOWN_PATHS) { out.printf(Locale.ROOT, "      ... %,d more paths%n", f.paths().size() - SHOWN_PATHS); break; }
                out.println("      " + Names.display(p));
            }
        }
        if (bytesNotCompared > 0) out.printf(Locale.ROOT, "  %,d bytes SOURCE could not read were not compared%n", bytesNotCompared);
        for (String e : copyErrors) out.println("  not compared: " + e);
    }

    public void write(Json j) throws IOException {
        j.beginObject().field("alternates", String.join(",", alternates)).field("inodesCompared", inodesCompared)
                .field("inodesWithoutCopy", inodesWithoutCopy).field("bytesFromSource", bytesFromSource)
                .field("bytesFromAlternates", bytesFromAlternates).field("bytesNotCompared", bytesNotCompared);
        j.name("disagreements").beginArray();
        for (Finding f : findings) {
            j.beginObject().field("ino", f.ino()).field("size", f.size());
            j.name("paths").beginArray();
            for (byte[] p : f.paths()) j.path(p);
            j.endArray();
            j.name("copies").beginArray();
            for (String c : f.copies()) j.value(c); // already shown safely (Candidate.toString)
            j.endArray();
            j.name("ranges").beginArray();
            for (Disagreement d : f.ranges()) {
                j.beginObject().field("range", d.range().toString()).field("differingBytes", d.differingBytes());
                j.name("zeros").beginArray();
                for (String z : d.zeros()) j.value(z);
                j.endArray();
                if (d.agreement() != null) j.field("agreement", d.agreement());
                j.endObject();
            }
            j.endArray().endObject();
        }
        j.endArray();
        j.name("notCompared").beginArray();
        for (String e : copyErrors) j.value(e);
        j.endArray();
        j.endObject();
    }
}
