package org.linkrescue.testdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A tiny vocabulary for building small trees in unit tests (after restic's TestDir, TestFile,
 * TestSymlink, TestHardlink). Every name is a path relative to the root, '/'-separated, held
 * as one char per byte (ISO-8859-1): {@code "caf\u00e9"} is the bytes {@code 63 61 66 e9}.
 * Parents are created as needed.
 *
 * <pre>{@code
 * new TreeBuilder(dir)
 *     .file("a/x", "hello")
 *     .file("a/caf\u00e9", new byte[70_000], 04755, 1_700_000_000_123_456_789L)
 *     .hardlink("b/x-again", "a/x")
 *     .symlink("a/up", "../b", 1_600_000_000_000_000_001L)
 *     .fifo("a/pipe")
 *     .dir("ro", 0555, 1_650_000_000_000_000_000L)   // applied by finish(), after the content
 *     .file("ro/inside", "kept")
 *     .finish();
 * }</pre>
 *
 * <p>Directory modes and mtimes are applied by {@link #finish()}, deepest first, because
 * creating entries changes a directory's mtime and a read-only directory takes no new entries.
 * Files get mode and mtime at once (Java keeps nanoseconds for them); symlink times go through
 * {@code touch -h} because Java's no-follow path is microseconds only. Not for paths over 4096
 * bytes except through {@link #longPath}.
 */
public final class TreeBuilder {

    private record DirMeta(String name, int mode, long mtimeNs) {}

    private final Path root;
    private final List<DirMeta> deferred = new ArrayList<>();

    public TreeBuilder(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path root() {
        return root;
    }

    /** The absolute path of {@code name} (for names that the JVM can open: under 4096 bytes). */
    public Path path(String name) {
        Commands.requireByteExact(name);
        return root.resolve(name);
    }

    /** A directory (and its parents), default mode. */
    public TreeBuilder dir(String name) {
        return io(() -> Files.createDirectories(path(name)));
    }

    /** A directory whose mode and mtime {@link #finish()} applies. {@code mtimeNs} < 0: leave it. */
    public TreeBuilder dir(String name, int mode, long mtimeNs) {
        dir(name);
        deferred.add(new DirMeta(name, mode, mtimeNs));
        return this;
    }

    public TreeBuilder file(String name, String content) {
        return file(name, content.getBytes(StandardCharsets.ISO_8859_1));
    }

    public TreeBuilder file(String name, byte[] content) {
        Path p = path(name);
        return io(() -> {
            parents(p);
            Files.write(p, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        });
    }

    public TreeBuilder file(String name, byte[] content, int mode) {
        file(name, content);
        return mode(name, mode);
    }

    public TreeBuilder file(String name, byte[] content, int mode, long mtimeNs) {
        file(name, content, mode);
        return mtime(name, mtimeNs);
    }

    public TreeBuilder symlink(String name, String target) {
        Path p = path(name);
        Commands.requireByteExact(target);
        return io(() -> {
            parents(p);
            Files.createSymbolicLink(p, Path.of(target));
        });
    }

    public TreeBuilder symlink(String name, String target, long mtimeNs) {
        symlink(name, target);
        Commands.run(null, "touch", "-h", "-d", "@" + TreeListing.time(mtimeNs), path(name).toString());
        return this;
    }

    /** A second name for the inode at {@code existing}. */
    public TreeBuilder hardlink(String name, String existing) {
        Path p = path(name);
        Path e = path(existing);
        return io(() -> {
            parents(p);
            Files.createLink(p, e);
        });
    }

    public TreeBuilder fifo(String name) {
        Path p = path(name);
        io(() -> parents(p));
        Commands.run(null, "mkfifo", p.toString());
        return this;
    }

    /** A character ('c') or block ('b') device; root only. */
    public TreeBuilder device(String name, char kind, int major, int minor) {
        if (kind != 'c' && kind != 'b') {
            throw new IllegalArgumentException("device kind must be 'c' or 'b', got " + kind);
        }
        Path p = path(name);
        io(() -> parents(p));
        Commands.run(null, "mknod", p.toString(), String.valueOf(kind), Integer.toString(major), Integer.toString(minor));
        return this;
    }

    /** Sets the permission bits, setuid/setgid/sticky included (not for symlinks). */
    public TreeBuilder mode(String name, int mode) {
        return io(() -> Files.setAttribute(path(name), "unix:mode", mode, LinkOption.NOFOLLOW_LINKS));
    }

    /** Sets the mtime to the nanosecond (regular files and directories; symlinks: {@link #symlink(String, String, long)}). */
    public TreeBuilder mtime(String name, long mtimeNs) {
        return io(() -> Files.setLastModifiedTime(path(name), fileTime(mtimeNs)));
    }

    /**
     * Sets numeric owner and group without following a symlink (root only). chown clears
     * setuid/setgid, so the mode of a non-symlink is put back afterwards.
     */
    public TreeBuilder owner(String name, long uid, long gid) {
        Path p = path(name);
        boolean symlink = Files.isSymbolicLink(p);
        Integer mode = symlink ? null : (Integer) value(() -> Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        Commands.run(null, "chown", "-h", uid + ":" + gid, p.toString());
        if (mode != null) {
            mode(name, mode & 07777);
        }
        return this;
    }

    /**
     * A file at the end of a chain of directories under {@code dir} whose relative path from the
     * root is longer than {@code minBytes} (e.g. 4097), made one relative step at a time since
     * no single path argument may exceed 4096 bytes. Returns that relative path.
     */
    public String longPath(String dir, int minBytes, String content) {
        dir(dir);
        String comp = "L".repeat(200);
        StringBuilder rel = new StringBuilder(dir);
        int levels = 0;
        while (rel.length() + "/end".length() <= minBytes) {
            rel.append('/').append(comp);
            levels++;
        }
        Commands.bash(path(dir), "for ((k = 0; k < $1; k++)); do mkdir \"$2\" && cd \"$2\"; done"
                + " && printf '%s' \"$3\" > end", Integer.toString(levels), comp, content);
        return rel + "/end";
    }

    /** Applies deferred directory modes and mtimes, deepest first. Returns the root. */
    public Path finish() {
        List<DirMeta> order = new ArrayList<>(deferred);
        order.sort(Comparator.comparingInt((DirMeta d) -> depth(d.name())).reversed());
        for (DirMeta d : order) {
            mode(d.name(), d.mode());
            if (d.mtimeNs() >= 0) {
                mtime(d.name(), d.mtimeNs());
            }
        }
        deferred.clear();
        return root;
    }

    private static int depth(String name) {
        return (int) name.chars().filter(c -> c == '/').count();
    }

    private static FileTime fileTime(long ns) {
        return FileTime.from(Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L)));
    }

    private static void parents(Path p) throws IOException {
        Path parent = p.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private interface IoValue<T> {
        T get() throws IOException;
    }

    private TreeBuilder io(IoAction a) {
        try {
            a.run();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static <T> T value(IoValue<T> v) {
        try {
            return v.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
