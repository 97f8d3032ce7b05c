package org.linkrescue.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.rescue.ProvenancePax;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/**
 * The provenance PAX records of our namespace ({@link ProvenancePax}), both ways: written into
 * a header for a content that is not clean, and read back by extract.
 */
final class ProvenanceRecords {
    /** A range begins "first-last:" (origins are paths and may hold commas themselves). */
    private static final Pattern NEXT_RANGE = Pattern.compile(",(?=\\d+-\\d+:)");

    private ProvenanceRecords() {}

    static Map<String, byte[]> of(Content c) {
        return ProvenancePax.records(Evacuation.original(c));
    }

    /** CLEAN when the entry carries none of our records. */
    static Provenance parse(Map<String, byte[]> extra) {
        byte[] d = extra.get(ProvenancePax.DAMAGED);
        byte[] r = extra.get(ProvenancePax.RANGES);
        if (d == null && r == null) return Provenance.CLEAN;
        List<Provenance.Range> ranges = new ArrayList<>();
        if (r != null && r.length > 0) {
            for (String part : NEXT_RANGE.split(Names.latin1(r))) {
                int dash = part.indexOf('-'), colon = part.indexOf(':');
                if (dash < 0 || colon < dash) continue;
                try {
                    long first = Long.parseLong(part.substring(0, dash));
                    long last = Long.parseLong(part.substring(dash + 1, colon));
                    ranges.add(new Provenance.Range(first, last - first + 1, part.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    // a malformed range is left out of the listing; the damaged flag still counts
                }
            }
        }
        boolean damaged = d != null && d.length == 1 && d[0] == '1';
        return new Provenance(List.copyOf(ranges), damaged);
    }
}
