package org.linkrescue.migrate.rescue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/**
 * Provenance as PAX records of our own namespace, for {@link org.linkrescue.archive.Entry#extra},
 * and back:
 * <ul>
 *   <li>{@code LINKRESCUE.damaged}: "1" when some bytes are zeros standing in for lost data,
 *       else "0";</li>
 *   <li>{@code LINKRESCUE.ranges}: one "offset+length:origin" per line, e.g.
 *       "0+4096:source\n4096+4096:mirror:/cold/2024-01/a\n8192+100:source"; origins are
 *       "source", "zero", "mirror:PATH", "original:PATH" with PATH in Names.display form (never a
 *       newline), UTF-8;</li>
 *   <li>{@code LINKRESCUE.sha256}: hex SHA-256 of the entry's data as written, when known.</li>
 * </ul>
 * A clean content yields no records (the archive of an undamaged tree has none). The format is
 * the one the cli's extract reads back (cli ProvenanceRecords).
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

    private ProvenancePax() {}

    /** Records for a content once fed (its provenance is final then); empty when clean. */
    public static Map<String, byte[]> records(Content c) {
        String sha = c instanceof RescueContent rc ? rc.sha256() : null;
        return records(c.provenance(), sha);
    }

    /** @param sha256 hex SHA-256 of the data written, or null when not known */
    public static Map<String, byte[]> records(Provenance p, String sha256) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        if (p.isClean()) return m;
        m.put(DAMAGED, new byte[] {(byte) (p.damaged() ? '1' : '0')});
        StringBuilder sb = new StringBuilder();
        for (Provenance.Range r : p.ranges()) {
            if (sb.length() > 0) sb.append('\n');
            sb.append(r.offset()).append('+').append(r.length()).append(':').append(r.origin());
        }
        m.put(RANGES, sb.toString().getBytes(StandardCharsets.UTF_8));
        if (sha256 != null) m.put(SHA256, sha256.getBytes(StandardCharsets.US_ASCII));
        return m;
    }

    /** The provenance the records describe: CLEAN when there are none; malformed lines left out. */
    public static Provenance parse(Map<String, byte[]> extra) {
        byte[] d = extra.get(DAMAGED), r = extra.get(RANGES);
        if (d == null && r == null) return Provenance.CLEAN;
        List<Provenance.Range> ranges = new ArrayList<>();
        if (r != null && r.length > 0) {
            for (String line : new String(r, StandardCharsets.UTF_8).split("\n")) {
                int plus = line.indexOf('+'), colon = line.indexOf(':');
                if (plus < 0 || colon < plus) continue;
                try {
                    ranges.add(new Provenance.Range(Long.parseLong(line.substring(0, plus)),
                            Long.parseLong(line.substring(plus + 1, colon)), line.substring(colon + 1)));
                } catch (NumberFormatException e) {
                    // a malformed line says nothing; the damaged flag still counts
                }
            }
        }
        boolean damaged = d != null && d.length == 1 && d[0] == '1';
        return new Provenance(List.copyOf(ranges), damaged || ranges.stream().anyMatch(x -> x.origin().equals("zero")));
    }
}
