package org.linkrescue.migrate.verify;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.stream.JsonReader;

/**
 * What a rescue report (migrate/archive {@code --report}, its "rescue" section) says it wrote for each damaged inode:
 * every path of the inode mapped to the SHA-256 of the content written. Only the "damaged"
 * records' "paths" and "sha256" are read; the rest of the report is not this class's business.
 * Paths in the report are {@link Names#display} renderings and are turned back into bytes.
 */
public final class RescueHashes {
    private final Map<Key, byte[]> byPath = new HashMap<>();
    private int records;

    private record Key(byte[] path) {
        @Override public boolean equals(Object o) { return o instanceof Key k && Arrays.equals(k.path, path); }
        @Override public int hashCode() { return Arrays.hashCode(path); }
    }

    /** Reads the report; a file that is not such a report is an IOException with a one-line reason. */
    public static RescueHashes read(Path report) throws IOException {
        Object doc = JsonReader.parseFile(report);
        List<?> damaged = damagedList(doc);
        if (damaged == null)
            throw new IOException("not a rescue report: neither a \"rescue\" section with a \"damaged\" list"
                    + " (what migrate and archive --report write) nor a \"damaged\" list");
        RescueHashes h = new RescueHashes();
        for (Object o : damaged) {
            if (!(o instanceof Map<?, ?> rec) || !(rec.get("paths") instanceof List<?> paths))
                throw new IOException("rescue report record without \"paths\": " + report);
            h.records++;
            Object sha = rec.get("sha256");
            if (!(sha instanceof String hex)) continue; // nothing written, or not known: nothing to check
            byte[] hash;
            try {
                hash = HexFormat.of().parseHex(hex);
            } catch (IllegalArgumentException e) {
                throw new IOException("rescue report: bad sha256 '" + hex + "'");
            }
            for (Object p : paths) {
                if (!(p instanceof String s)) throw new IOException("rescue report: a path that is not a string");
                h.byPath.put(new Key(undisplay(s)), hash);
            }
        }
        return h;
    }

    /**
     * The damaged inodes of a migrate/archive --report (under "rescue"), or of the rescue
     * section on its own ("damaged" at the top); null when doc is neither.
     */
    private static List<?> damagedList(Object doc) {
        if (!(doc instanceof Map<?, ?> top)) return null;
        if (top.get("rescue") instanceof Map<?, ?> rescue && rescue.get("damaged") instanceof List<?> d) return d;
        return top.get("damaged") instanceof List<?> d ? d : null;
    }

    /** The SHA-256 the rescue wrote for the inode at path, or null when path was not spliced. */
    public byte[] expected(byte[] path) { return byPath.get(new Key(path)); }

    public int records() { return records; }

    public int paths() { return byPath.size(); }

    /** The bytes a {@link Names#display} rendering stands for. */
    static byte[] undisplay(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); ) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(i + 1);
                switch (n) {
                    case 'n' -> { out.write('\n'); i += 2; continue; }
                    case 't' -> { out.write('\t'); i += 2; continue; }
                    case 'r' -> { out.write('\r'); i += 2; continue; }
                    case '\\' -> { out.write('\\'); i += 2; continue; }
                    case 'x' -> {
                        if (i + 4 <= s.length()) {
                            out.write(Integer.parseInt(s.substring(i + 2, i + 4), 16));
                            i += 4;
                            continue;
                        }
                    }
                    default -> { }
                }
            }
            int cp = s.codePointAt(i);
            byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            i += Character.charCount(cp);
        }
        return out.toByteArray();
    }
}
