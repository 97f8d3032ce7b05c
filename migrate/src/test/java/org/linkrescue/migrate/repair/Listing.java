package org.linkrescue.migrate.repair;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * `find -printf` as the oracle of a tree's inodes: one line per path with inode, link count,
 * mode, owner, ns mtime, size, name (NUL-separated, so names with newlines stay whole). Tests
 * compare listings taken before and after a repair.
 */
final class Listing {
    private Listing() {}

    /** path -> "ino nlink mode uid gid mtime size" */
    static TreeMap<String, String> of(Path root) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("find", root.toString(), "-mindepth", "1",
                "-printf", "%P\\t%i %n %m %U %G %T@ %s %y\\0").redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) { out = in.readAllBytes(); }
        if (p.waitFor() != 0) throw new IOException("find failed: " + new String(out, StandardCharsets.ISO_8859_1));
        TreeMap<String, String> m = new TreeMap<>();
        for (String rec : new String(out, StandardCharsets.ISO_8859_1).split("\0")) {
            if (rec.isEmpty()) continue;
            int tab = rec.lastIndexOf('\t');
            m.put(rec.substring(0, tab), rec.substring(tab + 1));
        }
        return m;
    }

    static long ino(String line) { return Long.parseLong(line.split(" ")[0]); }
    static int nlink(String line) { return Integer.parseInt(line.split(" ")[1]); }

    /** The line without inode number and link count: what must survive a repair unchanged. */
    static String metadata(String line) {
        String[] f = line.split(" ");
        return String.join(" ", List.of(f).subList(2, f.length));
    }

    /** sha256sum of every regular file, by path: content as an independent tool reads it. */
    static TreeMap<String, String> hashes(Path root) throws IOException, InterruptedException {
        TreeMap<String, String> m = new TreeMap<>();
        for (String path : of(root).keySet()) {
            Path f = root.resolve(path);
            if (!java.nio.file.Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            Process p = new ProcessBuilder("sha256sum", "-b", "--", f.toString()).start();
            byte[] out;
            try (InputStream in = p.getInputStream()) { out = in.readAllBytes(); }
            p.waitFor();
            m.put(path, new String(out, StandardCharsets.ISO_8859_1).split(" ")[0]);
        }
        return m;
    }

    static List<String> pathsOfInode(TreeMap<String, String> listing, long ino) {
        List<String> r = new ArrayList<>();
        listing.forEach((p, l) -> { if (ino(l) == ino) r.add(p); });
        return r;
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        in.transferTo(b);
        return b.toByteArray();
    }
}
