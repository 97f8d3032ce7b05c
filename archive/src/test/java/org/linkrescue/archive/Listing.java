package org.linkrescue.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One line per path - type, mode, owner, size, mtime to the ns, link target, device numbers and
 * the hard-link group (the smallest path sharing the inode) - computed two independent ways:
 * from a real directory with `find -printf` (never our code), and from an entry list. Equal
 * listings mean the same tree.
 */
final class Listing {
    private Listing() {}

    /** A tree on disk, as find sees it; nanos=false drops sub-second digits (ustar/gnu). */
    static List<String> ofTree(Path root, boolean nanos) {
        byte[] out = Peer.ok(root, "find", ".", "-printf", "%P\\0%y\\0%m\\0%U\\0%G\\0%s\\0%T@\\0%i\\0%n\\0%l\\0");
        List<String[]> rows = new ArrayList<>();
        int p = 0;
        while (p < out.length) {
            String[] f = new String[10];
            for (int i = 0; i < 10; i++) {
                int e = p;
                while (out[e] != 0) e++;
                f[i] = new String(out, p, e - p, java.nio.charset.StandardCharsets.ISO_8859_1);
                p = e + 1;
            }
            rows.add(f);
        }
        Map<String, String> groupOfIno = new HashMap<>();
        for (String[] f : rows) {
            if (!f[1].equals("f") || f[8].equals("1")) continue;
            groupOfIno.merge(f[7], f[0], (a, b) -> Names.compare(Names.bytes(a), Names.bytes(b)) <= 0 ? a : b);
        }
        List<String> lines = new ArrayList<>();
        for (String[] f : rows) {
            String dev = "";
            if (f[1].equals("c") || f[1].equals("b")) {
                String[] mm = new String(Peer.ok(root, "stat", "-c", "%t %T", "./" + f[0])).trim().split(" ");
                dev = Integer.parseInt(mm[0], 16) + "," + Integer.parseInt(mm[1], 16);
            }
            String[] t = f[6].split("\\.");
            long sec = Long.parseLong(t[0]);
            int nsec = Integer.parseInt((t.length > 1 ? t[1] + "000000000" : "000000000").substring(0, 9));
            String group = groupOfIno.getOrDefault(f[7], "-");
            lines.add(line(f[0], f[1].charAt(0), Integer.parseInt(f[2], 8), f[3] + ":" + f[4],
                    f[1].equals("f") ? Long.parseLong(f[5]) : -1, sec, nanos ? nsec : 0, f[9], dev,
                    f[1].equals("f") ? group : "-"));
        }
        lines.sort(null);
        return lines;
    }

    /** The tree an entry list describes; hard links carry their target's metadata. */
    static List<String> ofEntries(List<Entry> entries, boolean nanos) {
        Map<String, Entry> byPath = new LinkedHashMap<>();
        Map<String, String> group = new HashMap<>();
        for (Entry e : entries) {
            String p = e.isRoot() ? "" : Names.latin1(e.path());
            byPath.put(p, e);
            if (e.type() == EntryType.HARDLINK) {
                String t = Names.latin1(e.linkTarget());
                String g = group.getOrDefault(t, t);
                String min = Names.compare(Names.bytes(g), Names.bytes(p)) <= 0 ? g : p;
                for (Map.Entry<String, String> x : new ArrayList<>(group.entrySet()))
                    if (x.getValue().equals(g)) x.setValue(min);
                group.put(t, min);
                group.put(p, min);
            }
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, Entry> x : byPath.entrySet()) {
            Entry e = x.getValue();
            if (e.type() == EntryType.HARDLINK) e = byPath.get(Names.latin1(e.linkTarget()));
            char t = switch (e.type()) {
                case FILE -> 'f';
                case DIRECTORY -> 'd';
                case SYMLINK -> 'l';
                case FIFO -> 'p';
                case CHAR_DEVICE -> 'c';
                case BLOCK_DEVICE -> 'b';
                case HARDLINK -> throw new IllegalStateException("link to a link");
            };
            String dev = t == 'c' || t == 'b' ? e.devMajor() + "," + e.devMinor() : "";
            lines.add(line(x.getKey(), t, t == 'l' ? 0777 : e.mode(),
                    Integer.toUnsignedString(e.uid()) + ":" + Integer.toUnsignedString(e.gid()),
                    t == 'f' ? e.size() : -1, e.mtimeSec(), nanos ? e.mtimeNsec() : 0,
                    t == 'l' ? Names.latin1(e.linkTarget()) : "", dev, group.getOrDefault(x.getKey(), "-")));
        }
        lines.sort(null);
        return lines;
    }

    private static String line(String path, char type, int mode, String owner, long size, long sec, int nsec,
                               String link, String dev, String group) {
        return Names.display(Names.bytes(path)) + " " + type + " " + Integer.toOctalString(mode) + " " + owner
                + " " + (size < 0 ? "-" : size) + " " + sec + "." + String.format("%09d", nsec)
                + (link.isEmpty() ? "" : " -> " + Names.display(Names.bytes(link)))
                + (dev.isEmpty() ? "" : " dev " + dev)
                + (group.equals("-") ? "" : " link-group " + Names.display(Names.bytes(group)));
    }

    /** Everything a TarReader gives for an archive: entries and each file's data. */
    record Read(List<Entry> entries, Map<String, byte[]> data) {}

    static Read read(InputStream in) {
        try (TarReader r = new TarReader(in)) {
            List<Entry> entries = new ArrayList<>();
            Map<String, byte[]> data = new TreeMap<>();
            Entry e;
            while ((e = r.next()) != null) {
                entries.add(e);
                if (e.type() == EntryType.FILE) {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    r.transferTo(b);
                    data.put(Names.latin1(e.path()), b.toByteArray());
                }
            }
            return new Read(entries, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails with just the differing lines (a whole listing is too long to read). The root
     * line of actual is ignored when expected has none: the test only made the directory.
     */
    static void assertSame(List<String> expected, List<String> actual, String what) {
        List<String> act = new ArrayList<>(actual);
        boolean rootExpected = expected.stream().anyMatch(l -> l.startsWith(" "));
        if (!rootExpected) act.removeIf(l -> l.startsWith(" "));
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(act);
        List<String> extra = new ArrayList<>(act);
        extra.removeAll(expected);
        if (!missing.isEmpty() || !extra.isEmpty())
            throw new AssertionError(what + ": trees differ\n expected but missing:\n  "
                    + String.join("\n  ", missing) + "\n found instead:\n  " + String.join("\n  ", extra));
    }
}
