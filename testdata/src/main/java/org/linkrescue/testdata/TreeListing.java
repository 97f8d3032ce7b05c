package org.linkrescue.testdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The independent oracle: what a tree holds, as GNU find, stat and sha256sum see it. No
 * linkrescue code is involved, so a bug in our scanner cannot hide itself in the comparison.
 *
 * <p>Per path (bytes, relative to the root, Latin-1 decoded: one char per byte): type, mode
 * (with setuid/setgid/sticky), numeric uid and gid, size (regular files), mtime in nanoseconds,
 * symlink target (bytes), device major/minor, SHA-256 of the content (regular files). Plus
 * the inode partition: which paths share one inode. Inode numbers themselves, link counts,
 * atime, ctime and directory sizes are never compared: no copy can keep them.
 *
 * <p>How it is taken: one {@code find -printf} with NUL-separated fields (names with newlines
 * survive); content hashes and device numbers with {@code -execdir} so paths over 4096 bytes
 * work (each command runs inside the file's directory); both are keyed by device:inode and so
 * need no path at all. Use it only on trees nothing else is writing to.
 *
 * <p>Typical use: {@code assertEquals(List.of(), TreeListing.of(src).diff(TreeListing.of(dst)))}
 * or {@code assertTrue(d.isEmpty(), String.join("\n", d))} for a readable failure.
 */
public final class TreeListing {

    /** What find's {@code %y} reports. */
    public enum Type {
        FILE('f'), DIRECTORY('d'), SYMLINK('l'), FIFO('p'), CHAR_DEVICE('c'), BLOCK_DEVICE('b'), SOCKET('s');

        private final char findLetter;

        Type(char findLetter) {
            this.findLetter = findLetter;
        }

        static Type ofFindLetter(char c) {
            for (Type t : values()) {
                if (t.findLetter == c) {
                    return t;
                }
            }
            throw new IllegalStateException("find reported an unknown file type '" + c + "'");
        }
    }

    /** Aspects a comparison may leave out, each only for a stated reason (e.g. OWNER when not root). */
    public enum Aspect { OWNER, MODE, MTIME, DIRECTORY_MTIME, CONTENT, HARD_LINKS }

    /**
     * One path. {@code size} is -1 and {@code sha256} null unless a regular file; {@code linkTarget}
     * null unless a symlink; {@code devMajor}/{@code devMinor} -1 unless a device. Paths and
     * targets are Latin-1 strings of the raw bytes; "" is the root itself.
     */
    public record Node(String path, Type type, int mode, long uid, long gid, long size, long mtimeNs,
                       String linkTarget, int devMajor, int devMinor, String sha256) {

        /** The path as raw bytes. */
        public byte[] pathBytes() {
            return path.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private final SortedMap<String, Node> nodes;
    private final List<List<String>> linkGroups;
    private final Set<Aspect> ignored;

    private TreeListing(SortedMap<String, Node> nodes, List<List<String>> linkGroups, Set<Aspect> ignored) {
        this.nodes = Collections.unmodifiableSortedMap(nodes);
        this.linkGroups = List.copyOf(linkGroups);
        this.ignored = ignored.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(ignored));
    }

    /** Lists everything under {@code root}, not the root directory itself. */
    public static TreeListing of(Path root) {
        return list(root, false);
    }

    /** Lists {@code root} itself (as path "") and everything under it. */
    public static TreeListing ofIncludingRoot(Path root) {
        return list(root, true);
    }

    private static TreeListing list(Path root, boolean includeRoot) {
        String r = root.toAbsolutePath().toString();
        List<String> find = new ArrayList<>(List.of("find", r));
        if (!includeRoot) {
            find.addAll(List.of("-mindepth", "1"));
        }
        // %m is the octal mode with setuid/setgid/sticky; %T@ is seconds with 10 fraction
        // digits (checked: nanoseconds, then a 0); %D:%i keys the inode without ever comparing it.
        find.addAll(List.of("-printf", "%P\\0%y\\0%m\\0%U\\0%G\\0%s\\0%T@\\0%D:%i\\0%l\\0"));
        List<String> f = split(Commands.run(null, find.toArray(String[]::new)));
        if (f.size() % 9 != 0) {
            throw new IllegalStateException("find printed " + f.size() + " fields, not a multiple of 9");
        }
        Map<String, String> hashes = hashesByInode(r, oneFilePerInode(f));
        Map<String, int[]> devices = null;
        TreeMap<String, Node> nodes = new TreeMap<>();
        Map<String, List<String>> byInode = new HashMap<>();
        for (int i = 0; i < f.size(); i += 9) {
            String path = f.get(i);
            Type type = Type.ofFindLetter(f.get(i + 1).charAt(0));
            String inode = f.get(i + 7);
            int major = -1;
            int minor = -1;
            if (type == Type.CHAR_DEVICE || type == Type.BLOCK_DEVICE) {
                if (devices == null) {
                    devices = devicesByInode(r);
                }
                int[] mm = devices.get(inode);
                if (mm == null) {
                    throw new IllegalStateException("stat did not report device " + Escaping.display(path));
                }
                major = mm[0];
                minor = mm[1];
            }
            String sha = null;
            if (type == Type.FILE) {
                sha = hashes.get(inode);
                if (sha == null) {
                    throw new IllegalStateException("sha256sum did not report " + Escaping.display(path));
                }
            }
            Node n = new Node(path, type, Integer.parseInt(f.get(i + 2), 8), Long.parseLong(f.get(i + 3)),
                    Long.parseLong(f.get(i + 4)), type == Type.FILE ? Long.parseLong(f.get(i + 5)) : -1,
                    nanos(f.get(i + 6)), type == Type.SYMLINK ? f.get(i + 8) : null, major, minor, sha);
            if (nodes.put(path, n) != null) {
                throw new IllegalStateException("find listed " + Escaping.display(path) + " twice");
            }
            if (type != Type.DIRECTORY) {
                byInode.computeIfAbsent(inode, k -> new ArrayList<>()).add(path);
            }
        }
        return new TreeListing(nodes, groups(byInode.values()), Set.of());
    }

    /**
     * SHA-256 per device:inode. sha256sum runs inside each directory ({@code -execdir}), so no
     * path handed to it exceeds one name; {@code -z} keeps odd names unescaped. Per batch the
     * shell prints "B<count>", then the inodes, then the hash lines, in the same file order.
     */
    /**
     * One path (relative) of each regular file's inode, or null when one is too long to hand to
     * a command as it is (then every path is hashed from inside its directory).
     */
    private static List<String> oneFilePerInode(List<String> f) {
        Map<String, String> first = new LinkedHashMap<>();
        for (int i = 0; i < f.size(); i += 9) {
            if (f.get(i + 1).charAt(0) != 'f') continue;
            if (f.get(i).length() > 3000) return null;
            first.putIfAbsent(f.get(i + 7), f.get(i));
        }
        return new ArrayList<>(first.values());
    }

    /**
     * SHA-256 by device:inode. Each inode is hashed once, by one of its paths (a snapshot farm
     * holds each file in every snapshot: hashing every path would read it that many times);
     * with a path too long for that, each path from inside its directory.
     */
    private static Map<String, String> hashesByInode(String root, List<String> onePerInode) {
        String script = "printf 'B%s\\0' \"$#\"; stat --printf '%d:%i\\0' -- \"$@\"; sha256sum -z -- \"$@\"";
        List<String> t;
        if (onePerInode == null) {
            t = split(Commands.run(null, "find", root, "-type", "f", "-execdir", "sh", "-c", script, "sh", "{}", "+"));
        } else if (onePerInode.isEmpty()) {
            t = List.of();
        } else {
            Path list = null;
            try {
                list = Files.createTempFile("linkrescue-hash", ".list");
                ByteArrayOutputStream names = new ByteArrayOutputStream();
                for (String p : onePerInode) {
                    names.writeBytes(p.getBytes(StandardCharsets.ISO_8859_1));
                    names.write(0);
                }
                Files.write(list, names.toByteArray());
                t = split(Commands.run(Path.of(root), "xargs", "-0", "-a", list.toString(), "sh", "-c", script, "sh"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                try {
                    if (list != null) Files.deleteIfExists(list);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
        Map<String, String> hashes = new HashMap<>();
        int i = 0;
        while (i < t.size()) {
            String head = t.get(i);
            if (!head.startsWith("B")) {
                throw new IllegalStateException("unexpected hash output near '" + Escaping.display(head) + "'");
            }
            int n = Integer.parseInt(head.substring(1));
            for (int k = 0; k < n; k++) {
                String inode = t.get(i + 1 + k);
                String line = t.get(i + 1 + n + k);
                hashes.put(inode, line.substring(0, 64));
            }
            i += 1 + 2 * n;
        }
        return hashes;
    }

    /** Major/minor per device:inode, from stat (find has no format for them). */
    private static Map<String, int[]> devicesByInode(String root) {
        List<String> t = split(Commands.run(null, "find", root, "(", "-type", "c", "-o", "-type", "b", ")",
                "-execdir", "stat", "--printf", "%d:%i\\0%t\\0%T\\0", "{}", "+"));
        Map<String, int[]> devices = new HashMap<>();
        for (int i = 0; i + 2 < t.size(); i += 3) {
            devices.put(t.get(i), new int[] {Integer.parseInt(t.get(i + 1), 16), Integer.parseInt(t.get(i + 2), 16)});
        }
        return devices;
    }

    private static List<String> split(byte[] out) {
        List<String> fields = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                fields.add(new String(out, start, i - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        if (start != out.length) {
            throw new IllegalStateException("output does not end with a NUL byte");
        }
        return fields;
    }

    private static long nanos(String findTime) {
        return new BigDecimal(findTime).movePointRight(9).setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    private static List<List<String>> groups(Iterable<List<String>> byInode) {
        List<List<String>> groups = new ArrayList<>();
        for (List<String> g : byInode) {
            if (g.size() > 1) {
                List<String> sorted = new ArrayList<>(g);
                Collections.sort(sorted);
                groups.add(List.copyOf(sorted));
            }
        }
        groups.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        return groups;
    }

    /** Every path, sorted bytewise. */
    public SortedMap<String, Node> nodes() {
        return nodes;
    }

    /** The inode partition: sorted lists of the paths that share one inode, groups of two or more only. */
    public List<List<String>> linkGroups() {
        return linkGroups;
    }

    public Optional<Node> node(String path) {
        return Optional.ofNullable(nodes.get(path));
    }

    public int size() {
        return nodes.size();
    }

    /** Paths of regular files. */
    public long fileCount() {
        return nodes.values().stream().filter(n -> n.type() == Type.FILE).count();
    }

    /**
     * The same listing with only the paths {@code keep} accepts; link groups shrink with it.
     * For comparisons with tools that cannot hold some entry (e.g. GNU tar and a path over
     * 4096 bytes): say why at the call site.
     */
    public TreeListing filter(Predicate<String> keep) {
        TreeMap<String, Node> kept = new TreeMap<>();
        nodes.forEach((p, n) -> {
            if (keep.test(p)) {
                kept.put(p, n);
            }
        });
        List<List<String>> g = new ArrayList<>();
        for (List<String> group : linkGroups) {
            List<String> k = group.stream().filter(keep).toList();
            if (k.size() > 1) {
                g.add(k);
            }
        }
        return new TreeListing(kept, groups(g), ignored);
    }

    /** The entries under {@code prefix} (a relative directory path), re-rooted there. */
    public TreeListing under(String prefix) {
        String p = prefix.endsWith("/") ? prefix : prefix + "/";
        TreeMap<String, Node> kept = new TreeMap<>();
        nodes.forEach((path, n) -> {
            if (path.startsWith(p)) {
                String rel = path.substring(p.length());
                kept.put(rel, new Node(rel, n.type(), n.mode(), n.uid(), n.gid(), n.size(), n.mtimeNs(),
                        n.linkTarget(), n.devMajor(), n.devMinor(), n.sha256()));
            }
        });
        List<List<String>> g = new ArrayList<>();
        for (List<String> group : linkGroups) {
            List<String> k = group.stream().filter(s -> s.startsWith(p)).map(s -> s.substring(p.length())).toList();
            if (k.size() > 1) {
                g.add(k);
            }
        }
        return new TreeListing(kept, groups(g), ignored);
    }

    /**
     * The same listing, compared without the given aspects (both sides' ignored sets count).
     * Only with a reason: e.g. OWNER when the copy was made without root.
     */
    public TreeListing ignoring(Aspect... aspects) {
        EnumSet<Aspect> s = EnumSet.noneOf(Aspect.class);
        s.addAll(ignored);
        s.addAll(List.of(aspects));
        return new TreeListing(new TreeMap<>(nodes), linkGroups, s);
    }

    /**
     * Differences from this (expected) to {@code actual}, one readable line each, odd bytes
     * escaped, at most 50 lines (then a count of the rest). Empty when the trees are equal.
     */
    public List<String> diff(TreeListing actual) {
        EnumSet<Aspect> skip = EnumSet.noneOf(Aspect.class);
        skip.addAll(ignored);
        skip.addAll(actual.ignored);
        List<String> out = new ArrayList<>();
        Set<String> all = new TreeSet<>(nodes.keySet());
        all.addAll(actual.nodes.keySet());
        for (String path : all) {
            Node e = nodes.get(path);
            Node a = actual.nodes.get(path);
            if (a == null) {
                out.add("missing: " + show(path) + " (" + describe(e) + ")");
            } else if (e == null) {
                out.add("unexpected: " + show(path) + " (" + describe(a) + ")");
            } else {
                compare(e, a, skip, out);
            }
        }
        if (!skip.contains(Aspect.HARD_LINKS)) {
            linkDifferences(actual, out);
        }
        if (out.size() > 50) {
            int rest = out.size() - 50;
            List<String> first = new ArrayList<>(out.subList(0, 50));
            first.add("... and " + rest + " more differences");
            return first;
        }
        return out;
    }

    /**
     * One line per expected inode whose paths are split over several inodes in {@code actual},
     * and one per actual inode that joins paths expected apart. Only paths present on both
     * sides count: missing ones are reported already.
     */
    private void linkDifferences(TreeListing actual, List<String> out) {
        Map<String, List<String>> eg = groupOf(linkGroups);
        Map<String, List<String>> ag = groupOf(actual.linkGroups);
        Predicate<String> both = p -> nodes.containsKey(p) && actual.nodes.containsKey(p);
        for (List<String> g : linkGroups) {
            List<String> members = g.stream().filter(both).toList();
            Set<List<String>> found = new LinkedHashSet<>();
            for (String p : members) {
                found.add(ag.getOrDefault(p, List.of(p)).stream().filter(both).toList());
            }
            if (found.size() > 1) {
                out.add("hard links: expected one inode for " + showAll(members) + ", found " + found.size()
                        + " inodes: " + String.join(" ", found.stream().map(TreeListing::showAll).toList()));
            }
        }
        for (List<String> g : actual.linkGroups) {
            List<String> members = g.stream().filter(both).toList();
            Set<List<String>> expected = new LinkedHashSet<>();
            for (String p : members) {
                expected.add(eg.getOrDefault(p, List.of(p)).stream().filter(both).toList());
            }
            if (expected.size() > 1) {
                out.add("hard links: expected " + expected.size() + " inodes "
                        + String.join(" ", expected.stream().map(TreeListing::showAll).toList())
                        + ", found one inode for " + showAll(members));
            }
        }
    }

    private static void compare(Node e, Node a, Set<Aspect> skip, List<String> out) {
        String p = show(e.path());
        if (e.type() != a.type()) {
            out.add(p + ": type " + e.type() + " expected, " + a.type() + " found");
            return;
        }
        if (!skip.contains(Aspect.MODE) && e.mode() != a.mode()) {
            out.add(p + ": mode " + octal(e.mode()) + " expected, " + octal(a.mode()) + " found");
        }
        if (!skip.contains(Aspect.OWNER) && (e.uid() != a.uid() || e.gid() != a.gid())) {
            out.add(p + ": owner " + e.uid() + ":" + e.gid() + " expected, " + a.uid() + ":" + a.gid() + " found");
        }
        boolean mtimeCounts = !skip.contains(Aspect.MTIME)
                && !(e.type() == Type.DIRECTORY && skip.contains(Aspect.DIRECTORY_MTIME));
        if (mtimeCounts && e.mtimeNs() != a.mtimeNs()) {
            out.add(p + ": mtime " + time(e.mtimeNs()) + " expected, " + time(a.mtimeNs()) + " found");
        }
        if (e.size() != a.size()) {
            out.add(p + ": size " + e.size() + " expected, " + a.size() + " found");
        }
        if (!skip.contains(Aspect.CONTENT) && !Objects.equals(e.sha256(), a.sha256())) {
            out.add(p + ": content sha256 " + e.sha256() + " expected, " + a.sha256() + " found");
        }
        if (!Objects.equals(e.linkTarget(), a.linkTarget())) {
            out.add(p + ": symlink target " + show(e.linkTarget()) + " expected, " + show(a.linkTarget()) + " found");
        }
        if (e.devMajor() != a.devMajor() || e.devMinor() != a.devMinor()) {
            out.add(p + ": device " + e.devMajor() + "," + e.devMinor() + " expected, "
                    + a.devMajor() + "," + a.devMinor() + " found");
        }
    }

    private static Map<String, List<String>> groupOf(List<List<String>> groups) {
        Map<String, List<String>> m = new HashMap<>();
        for (List<String> g : groups) {
            for (String p : g) {
                m.put(p, g);
            }
        }
        return m;
    }

    private static String describe(Node n) {
        return switch (n.type()) {
            case FILE -> "file, " + n.size() + " bytes";
            case SYMLINK -> "symlink to " + show(n.linkTarget());
            default -> n.type().name().toLowerCase().replace('_', ' ');
        };
    }

    private static String octal(int mode) {
        return String.format("%04o", mode);
    }

    /** Nanoseconds since the epoch as S.NNNNNNNNN, the form touch -d @ takes. */
    public static String time(long ns) {
        return Math.floorDiv(ns, 1_000_000_000L) + "." + String.format("%09d", Math.floorMod(ns, 1_000_000_000L));
    }

    private static String showAll(List<String> paths) {
        List<String> s = new ArrayList<>();
        for (String p : paths) {
            if (s.size() == 8 && paths.size() > 9) {
                s.add("... " + (paths.size() - 8) + " more");
                break;
            }
            s.add(show(p));
        }
        return "{" + String.join(", ", s) + "}";
    }

    /** A path for a human: odd bytes escaped, a very long path cut in the middle. */
    static String show(String latin1) {
        if (latin1 == null) {
            return "(none)";
        }
        String s = latin1.isEmpty() ? "." : Escaping.display(latin1);
        return s.length() <= 300 ? s : s.substring(0, 120) + "...(" + latin1.length() + " bytes)..." + s.substring(s.length() - 120);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TreeListing t && diff(t).isEmpty();
    }

    @Override
    public int hashCode() {
        return nodes.keySet().hashCode();
    }

    /** One line per path, like ls -l with ns times: for failure messages and debugging. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes.values()) {
            b.append(n.type().findLetter).append(' ').append(octal(n.mode())).append(' ')
                    .append(n.uid()).append(':').append(n.gid()).append(' ')
                    .append(n.size() >= 0 ? Long.toString(n.size()) : "-").append(' ')
                    .append(time(n.mtimeNs())).append(' ').append(show(n.path()));
            if (n.linkTarget() != null) {
                b.append(" -> ").append(show(n.linkTarget()));
            }
            b.append('\n');
        }
        for (List<String> g : linkGroups) {
            b.append("linked ").append(showAll(g)).append('\n');
        }
        return b.toString();
    }
}
