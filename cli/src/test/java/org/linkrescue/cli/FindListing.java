package org.linkrescue.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;

/**
 * The oracle: a listing of a tree computed with GNU find, independent of our code. One line per
 * path: type, mode, uid, gid, size (not for directories), mtime to the ns, link target, the
 * SHA-256 of a file's bytes, and the first path (in byte order) of its inode when it has
 * several paths in the tree: two trees with equal listings have the same inode partition.
 */
final class FindListing {
    private FindListing() {}

    /** What a peer's archive format cannot carry, to leave out of a comparison. */
    enum Loss {
        /** GNU format: mtime in whole seconds. */
        SUBSECOND_MTIME,
        /** GNU tar archives no hard links of FIFOs and devices, bsdtar none of devices. */
        SPECIAL_FILE_LINKS,
        /** bsdtar leaves the mtime of the directory it extracts into ("./") as it is. */
        ROOT_MTIME
    }

    static List<String> of(Path root, Loss... losses) throws IOException, InterruptedException {
        java.util.Set<Loss> lost = java.util.Set.of(losses);
        Process p = new ProcessBuilder("find", root.toString(), "-printf", "%P\\0%y\\0%m\\0%U\\0%G\\0%s\\0%T@\\0%l\\0%i\\0")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) throw new IOException("find failed on " + root);
        String all = new String(out, StandardCharsets.ISO_8859_1);
        String[] f = all.split("\0", -1);
        Map<String, String[]> rows = new TreeMap<>();
        Map<String, List<String>> byInode = new HashMap<>();
        for (int i = 0; i + 9 <= f.length; i += 9) {
            String path = f[i].isEmpty() ? "." : f[i];
            rows.put(path, java.util.Arrays.copyOfRange(f, i, i + 9));
            if (!f[i + 1].equals("d")) byInode.computeIfAbsent(f[i + 8], k -> new ArrayList<>()).add(path);
        }
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, String[]> e : rows.entrySet()) {
            String[] r = e.getValue();
            String type = r[1];
            StringBuilder sb = new StringBuilder(e.getKey()).append(" | ").append(type).append(' ').append(r[2])
                    .append(' ').append(r[3]).append(':').append(r[4]);
            if (!type.equals("d")) sb.append(" size=").append(r[5]);
            String mtime = r[6];
            if (lost.contains(Loss.SUBSECOND_MTIME)) mtime = mtime.substring(0, mtime.indexOf('.'));
            if (lost.contains(Loss.ROOT_MTIME) && e.getKey().equals(".")) mtime = "(not restored)";
            sb.append(" mtime=").append(mtime);
            if (type.equals("l")) sb.append(" -> ").append(r[7]);
            if (type.equals("f")) sb.append(" sha256=").append(sha256(root.resolve(e.getKey())));
            List<String> group = byInode.get(r[8]);
            boolean special = type.equals("p") || type.equals("c") || type.equals("b");
            if (special && lost.contains(Loss.SPECIAL_FILE_LINKS)) group = null;
            if (group != null && group.size() > 1) sb.append(" linked-with=").append(group.stream().sorted().findFirst().get());
            lines.add(sb.toString());
        }
        return lines;
    }

    /** Opened component by component: paths over 4096 bytes are part of the fixtures. */
    private static String sha256(Path p) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[][] parts = Names.split(Names.bytes(p.toString()));
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes("/"), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        try {
            for (int i = 0; i < parts.length - 1; i++) {
                int next = Posix.openDir(fd, parts[i]);
                Posix.close(fd);
                fd = next;
            }
            int f = Posix.openat(fd, parts[parts.length - 1], Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
            try {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = Posix.read(f, buf, buf.length)) > 0) md.update(buf, 0, n);
            } finally {
                Posix.close(f);
            }
        } finally {
            Posix.close(fd);
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
