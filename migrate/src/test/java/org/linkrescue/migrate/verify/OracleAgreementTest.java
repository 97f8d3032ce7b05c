package org.linkrescue.migrate.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;

/**
 * verify's verdicts against independent oracles on snapshot trees (cp -al, seeded files) with random
 * mutations of the copy: `find -printf` listings (type, mode, owner, mtime, size, link target,
 * inode) and `cmp` for every path, the inode partition for links, and `rsync -aHc --dry-run
 * --itemize-changes` for what would have to be transferred or deleted.
 */
class OracleAgreementTest {
    @TempDir Path dir;

    record Node(String type, String mode, String owner, String mtime, long size, String target, long ino) {}

    /** path -> node, by find -printf (NUL-separated fields: names may hold newlines). */
    static Map<String, Node> find(Path root) throws Exception {
        Process p = new ProcessBuilder("find", root.toString(), "-mindepth", "1", "-printf",
                "%P\\0%y\\0%#m\\0%U:%G\\0%T@\\0%s\\0%l\\0%i\\0").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, p.waitFor());
        String[] f = out.split("\0", -1);
        Map<String, Node> m = new HashMap<>();
        for (int i = 0; i + 8 <= f.length; i += 8) {
            m.put(f[i], new Node(f[i + 1], f[i + 2], f[i + 3], f[i + 4], Long.parseLong(f[i + 5]), f[i + 6], Long.parseLong(f[i + 7])));
        }
        return m;
    }

    static boolean same(Path a, Path b) throws Exception {
        Process p = new ProcessBuilder("cmp", "-s", a.toString(), b.toString()).start();
        return p.waitFor() == 0;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void verdictsAgreeWithFindCmpAndRsync(long seed) throws Exception {
        Path src = TestTrees.snapshots(dir.resolve("src"));
        Random fill = new Random(seed * 31);
        for (String snap : List.of("2024-01-01", "2024-01-02", "2024-01-03")) {
            for (int k = 0; k < 20; k++) { // more files to mutate; some linked on into the next snapshots below
                byte[] b = new byte[fill.nextInt(3000)];
                fill.nextBytes(b);
                Files.write(src.resolve(snap).resolve("f" + seed + "-" + k), b);
            }
        }
        TestTrees.sh("cd '" + src + "' && for f in 2024-01-01/f*; do ln \"$f\" 2024-01-03/l-$(basename $f); done");
        Path dst = dir.resolve("dst");
        TestTrees.sh("cp -a '" + src + "' '" + dst + "'");
        mutate(dst, new Random(seed), 6);

        TestTrees.Result r = TestTrees.verify(src, dst);
        assertEquals(List.of(), r.problems);

        Map<String, Node> s = find(src), t = find(dst);
        Set<String> oracle = new TreeSet<>();
        for (String p : s.keySet()) if (!t.containsKey(p)) oracle.add("missing " + p);
        for (String p : t.keySet()) if (!s.containsKey(p)) oracle.add("extra " + p);
        for (String p : s.keySet()) {
            Node a = s.get(p), b = t.get(p);
            if (b == null) continue;
            if (!a.type().equals(b.type())) { oracle.add("type " + p); continue; }
            if (!a.mode().equals(b.mode())) oracle.add("mode " + p);
            if (!a.owner().equals(b.owner())) oracle.add("owner " + p);
            if (!a.mtime().equals(b.mtime())) oracle.add("mtime " + p);
            if (!a.target().equals(b.target())) oracle.add("symlink-target " + p);
            if (a.type().equals("f") && (a.size() != b.size() || !same(src.resolve(p), dst.resolve(p)))) oracle.add("content " + p);
        }
        Set<String> mine = new TreeSet<>();
        List<String> links = new ArrayList<>();
        for (Difference d : r.differences) {
            String line = d.kind().word() + " " + Names.latin1(d.path());
            if (d.kind() == DiffKind.BROKEN_LINK || d.kind() == DiffKind.MERGED_LINK) links.add(line);
            else mine.add(line);
        }
        assertEquals(oracle, mine, "verify vs find/cmp");
        assertEquals(oraclePartitionDiffers(s, t), !links.isEmpty(), "link verdict vs the inode partition: " + links);
        for (String l : links) {
            String p = l.substring(l.indexOf(' ') + 1);
            boolean broken = l.startsWith("broken-link");
            assertTrue(s.keySet().stream().anyMatch(q -> t.containsKey(q) && !q.equals(p)
                    && (broken ? s.get(q).ino() == s.get(p).ino() && t.get(q).ino() != t.get(p).ino()
                               : t.get(q).ino() == t.get(p).ino() && s.get(q).ino() != s.get(p).ino())),
                    l + " is not confirmed by the inode listings");
        }
        // rsync: the paths it would transfer for content or create or delete are exactly verify's
        Set<String> rsync = new TreeSet<>();
        Process p = new ProcessBuilder("rsync", "-aHc", "--numeric-ids", "--delete", "--dry-run", "--itemize-changes",
                "--out-format=%i %n", src + "/", dst + "/").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, p.waitFor(), out);
        for (String line : out.split("\n")) {
            if (line.isEmpty()) continue;
            String item = line.substring(0, 11).trim(), path = line.substring(12); // %i is 11 columns wide
            if (path.endsWith("/")) path = path.substring(0, path.length() - 1);
            if (item.equals("*deleting")) rsync.add("extra " + path);
            else if (item.contains("+++++++") && item.charAt(0) != 'h') rsync.add("missing " + path);
            else if (item.startsWith(">f") && (item.charAt(2) == 'c' || item.charAt(3) == 's')) rsync.add("content " + path);
        }
        Set<String> mineForRsync = new TreeSet<>();
        for (String m : mine) if (m.startsWith("extra ") || m.startsWith("missing ") || m.startsWith("content ")) mineForRsync.add(m);
        for (String x : rsync) assertTrue(mineForRsync.contains(x), "rsync says " + x + ", verify did not: " + mineForRsync);
    }

    static boolean oraclePartitionDiffers(Map<String, Node> s, Map<String, Node> t) {
        Map<Long, Long> st = new HashMap<>(), ts = new HashMap<>();
        for (String p : s.keySet()) {
            Node a = s.get(p), b = t.get(p);
            if (b == null || a.type().equals("d") || !a.type().equals(b.type())) continue;
            Long prev = st.putIfAbsent(a.ino(), b.ino());
            if (prev != null && prev != b.ino()) return true;
            Long back = ts.putIfAbsent(b.ino(), a.ino());
            if (back != null && back != a.ino()) return true;
        }
        return false;
    }

    /** n random changes of the kinds verify must see, each keeping its parent directory's mtime. */
    static void mutate(Path root, Random rnd, int n) throws Exception {
        List<Path> files = new ArrayList<>(), links = new ArrayList<>();
        try (var w = Files.walk(root)) {
            w.forEach(p -> {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) files.add(p);
                else if (Files.isSymbolicLink(p)) links.add(p);
            });
        }
        java.util.Collections.sort(files);
        java.util.Collections.sort(links);
        for (int i = 0; i < n; i++) {
            Path f = files.get(rnd.nextInt(files.size()));
            if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) continue;
            Path parent = f.getParent();
            FileTime pt = Files.getLastModifiedTime(parent);
            FileTime ft = Files.getLastModifiedTime(f, LinkOption.NOFOLLOW_LINKS);
            switch (rnd.nextInt(8)) {
                case 0 -> {
                    byte[] b = Files.readAllBytes(f);
                    if (b.length == 0) continue;
                    b[rnd.nextInt(b.length)] ^= 0x40;
                    Files.write(f, b);
                    Files.setLastModifiedTime(f, ft);
                }
                case 1 -> TestTrees.sh("chmod o-r,g+w '" + f + "'");
                case 2 -> Files.setLastModifiedTime(f, FileTime.from(ft.toInstant().plusNanos(1)));
                case 3 -> Files.delete(f);
                case 4 -> Files.writeString(parent.resolve("added-" + i), "new " + i);
                case 5 -> TestTrees.sh("cp -p '" + f + "' '" + f + ".tmp' && mv '" + f + ".tmp' '" + f + "'");
                case 6 -> {
                    if (links.isEmpty()) continue;
                    Path l = links.get(rnd.nextInt(links.size()));
                    if (!Files.isSymbolicLink(l)) continue;
                    FileTime lp = Files.getLastModifiedTime(l.getParent());
                    Files.delete(l);
                    Files.createSymbolicLink(l, Path.of("elsewhere-" + i));
                    Files.setLastModifiedTime(l.getParent(), lp);
                }
                default -> {
                    if (Posix.isRoot()) TestTrees.sh("chown 4321:8765 '" + f + "'");
                }
            }
            Files.setLastModifiedTime(parent, pt);
        }
    }
}
