package org.linkrescue.migrate.rescue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/**
 * Provenance as PAX records of our own namespace, for {@link org.linkrescue.archive.Entry#extra},
 * and back:
 * <ul>
 *   <li>{@code LINKRESCUE.damaged} = "1" when some bytes are zeros standing in for lost data;</li>
 *   <li>{@code LINKRESCUE.ranges} = "0-4095:source,4096-8191:mirror:DIR/path,..." (first and
 *       last byte inclusive; origins "source", "zero", "mirror:PATH", "original:PATH" with PATH's
 *       raw bytes, so odd names survive; a range starts only at "," followed by "N-N:");</li>
 *   <li>{@code LINKRESCUE.sha256} = hex SHA-256 of the entry's data as written, when known.</li>
 * </ul>
 * A clean content yields no records (the archive of an undamaged tree has none).
 *
 * Why this namespace: checked with GNU tar 1.34 and bsdtar 3.6.2 on PAX headers with keys in
 * LINKRESCUE., LIBARCHIVE., SCHILY., GNU. and lower-case namespaces: bsdtar ignores unknown keys
 * silently; GNU tar prints "Ignoring unknown extended header keyword" for each of them (no
 * namespace is exempt; {@code --warning=no-unknown-keyword} silences it), exits 0 and extracts the
 * same files. Neither acts on them, so a private name cannot change what they extract, while a
 * key in a namespace they know could.
 */
public final class ProvenancePax {
    public static final String DAMAGED = "LINKRESCUE.damaged";
    public static final String RANGES = "LINKRESCUE.ranges";
    public static final String SHA256 = "LINKRESCUE.sha256";

    /** A range begins "first-last:" (origins are paths and may hold commas themselves). */
    private static final Pattern NEXT_RANGE = Pattern.compile(",(?=\\d+-\\d+:)");

    private ProvenancePax() {}

    /** Records for a content once fed (its provenance is final then); empty when clean. */
    public static Map<String, byte[]> records(Content c) {
        return records(c.provenance());
    }

    /** Records for a provenance (with its SHA-256, when known); empty when clean. */
    public static Map<String, byte[]> records(Provenance p) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        if (p.isClean()) return m;
        if (p.damaged()) m.put(DAMAGED, new byte[] {'1'});
        StringBuilder sb = new StringBuilder();
        for (Provenance.Range r : p.ranges()) {
            if (sb.length() > 0) sb.append(',');
            sb.append(r.offset()).append('-').append(r.offset() + r.length() - 1).append(':').append(r.origin());
        }
        if (sb.length() > 0) m.put(RANGES, Names.bytes(sb.toString()));
        if (p.sha256() != null) m.put(SHA256, Names.bytes(p.sha256()));
        return m;
    }

    /** The provenance the records describe: CLEAN when there are none; malformed ranges left out. */
    public static Provenance parse(Map<String, byte[]> extra) {
        byte[] d = extra.get(DAMAGED), r = extra.get(RANGES);
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
                    // a malformed range is left out; the damaged flag still counts
                }
            }
        }
        boolean damaged = d != null && d.length == 1 && d[0] == '1';
        return new Provenance(List.copyOf(ranges), damaged);
    }
}
