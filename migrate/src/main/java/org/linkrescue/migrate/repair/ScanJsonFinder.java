package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.JsonReader;

/**
 * The damaged inodes named by an earlier `scan --read-test --json FILE` (or a rescue
 * `--report`): the top-level array "damaged", each element an object with "ino" and, when
 * present, "size" and "mtime" ("SEC.NSEC"). An inode number is only a name: a file made
 * since may have been given a freed one, so an inode whose size or mtime differs from what the
 * scan recorded is not taken for the damaged one.
 */
public final class ScanJsonFinder implements DamageFinder {
    private record Seen(Long size, String mtime) {}

    private final Map<Long, Seen> seen = new HashMap<>();

    public ScanJsonFinder(Path json) throws IOException {
        Object root;
        try {
            root = JsonReader.parseFile(json);
        } catch (IOException e) {
            throw new IOException("--from-scan '" + json + "': " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> m) || !(m.get("damaged") instanceof List<?> list)) {
            throw new IOException("--from-scan '" + json + "': no \"damaged\" list (is it the JSON of scan --read-test?)");
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> d) || !(d.get("ino") instanceof Long ino)) {
                throw new IOException("--from-scan '" + json + "': a \"damaged\" entry without an inode number");
            }
            seen.put(ino, new Seen(d.get("size") instanceof Long s ? s : null,
                    d.get("mtime") instanceof String t ? t : null));
        }
    }

    @Override public Set<Long> damagedInodes(byte[] sourceRoot) { return new TreeSet<>(seen.keySet()); }

    @Override public String mismatch(Stat st) {
        Seen s = seen.get(st.ino());
        if (s == null) return null;
        if (s.size() != null && s.size() != st.size()) return "size " + st.size() + " but the scan saw " + s.size();
        String now = st.mtimeSec() + "." + String.format("%09d", st.mtimeNsec());
        if (s.mtime() != null && !s.mtime().equals(now)) return "mtime " + now + " but the scan saw " + s.mtime();
        return null;
    }
}
