package org.linkrescue.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.stream.Provenance;

/**
 * Provenance as PAX records of our own namespace, and back: "LINKRESCUE.damaged" (1 when bytes
 * were lost) and "LINKRESCUE.ranges" ("offset+length:origin" joined by newlines; an origin
 * never holds a newline as it comes from Names.display). GNU tar and bsdtar ignore them.
 */
final class ProvenanceRecords {
    static final String DAMAGED = "LINKRESCUE.damaged";
    static final String RANGES = "LINKRESCUE.ranges";

    private ProvenanceRecords() {}

    static Map<String, byte[]> of(Provenance p) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(DAMAGED, Names.bytes(p.damaged() ? "1" : "0"));
        StringBuilder sb = new StringBuilder();
        for (Provenance.Range r : p.ranges()) {
            if (sb.length() > 0) sb.append('\n');
            sb.append(r.offset()).append('+').append(r.length()).append(':').append(r.origin());
        }
        m.put(RANGES, sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return m;
    }

    static Provenance parse(Map<String, byte[]> extra) {
        byte[] d = extra.get(DAMAGED);
        byte[] r = extra.get(RANGES);
        if (d == null && r == null) return Provenance.CLEAN;
        List<Provenance.Range> ranges = new ArrayList<>();
        if (r != null && r.length > 0) {
            for (String line : new String(r, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                int plus = line.indexOf('+'), colon = line.indexOf(':');
                if (plus < 0 || colon < plus) continue;
                try {
                    ranges.add(new Provenance.Range(Long.parseLong(line.substring(0, plus)),
                            Long.parseLong(line.substring(plus + 1, colon)), line.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    // a malformed range is left out; the damaged flag still counts
                }
            }
        }
        boolean damaged = d != null && d.length == 1 && d[0] == '1';
        return new Provenance(List.copyOf(ranges), damaged || ranges.stream().anyMatch(x -> x.origin().equals("zero")));
    }
}
