package org.linkrescue.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a hardlinked snapshot tree with the commands users make backups with: a live tree
 * {@code src/}, then per date {@code cp -al LAST NEW} and {@code rsync -aH --delete src/ NEW/},
 * with seeded changes in between (modified, added, deleted, renamed files, one file changed in
 * place, mode changes) and, by default, the odd entries linkrescue must carry byte-exactly.
 *
 * <p>The work is done by {@code make-snapshots.sh} (next to this class), extracted to a temp
 * file and run with bash; a failing command fails the generation with the script's stderr.
 * Options fill in their own defaults:
 * <ul>
 *   <li>snapshots 5, files 50: fast (well under a second), yet every change kind happens;</li>
 *   <li>sizes SMALL: mostly small files, a tenth above 64 KiB so btrfs stores them in data blocks;</li>
 *   <li>seed 1: the shape (names, sizes, changes, mtimes) is fixed by the seed; content bytes
 *       are random, so every 4 KiB block is unique;</li>
 *   <li>odd entries on: Latin-1, newline, tab and 255-byte names, symlinks of every kind, a
 *       FIFO, a read-only directory, setuid/setgid/sticky, ns mtimes, hard links inside one
 *       snapshot, 0/512/65537-byte files, and as root other owners (uid 3000000000 too) and
 *       devices;</li>
 *   <li>long path on (with odd entries): a path over 4096 bytes in src/ and in the newest
 *       snapshot only, because cp and rsync cannot copy it; switch it off for trees that GNU
 *       tar, cp or rsync must also handle;</li>
 *   <li>no large files, no mirror.</li>
 * </ul>
 *
 * <pre>{@code
 * SnapshotTree t = new SnapshotTreeGenerator().snapshots(3).filesPerSnapshot(20).mirrorAfter(2).generate(dir);
 * linkrescue migrate t.source() target --alternate mirror=t.mirror().get() --alternate original=t.original()
 * }</pre>
 */
public final class SnapshotTreeGenerator {

    static final String SCRIPT = "make-snapshots.sh";

    private int snapshots = 5;
    private int files = 50;
    private SizeDistribution sizes = SizeDistribution.SMALL;
    private long seed = 1;
    private boolean oddEntries = true;
    private boolean longPath = true;
    private int largeFileCount = 0;
    private long largeFileBytes = 0;
    private int mirrorAfter = 0;

    /** Number of dated snapshots (>= 1). */
    public SnapshotTreeGenerator snapshots(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("snapshots must be >= 1, got " + n);
        }
        snapshots = n;
        return this;
    }

    /** Regular files in the live tree at the first date; about 1 % more are added per date. */
    public SnapshotTreeGenerator filesPerSnapshot(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("files must be >= 0, got " + n);
        }
        files = n;
        return this;
    }

    public SnapshotTreeGenerator sizes(SizeDistribution d) {
        sizes = d;
        return this;
    }

    public SnapshotTreeGenerator seed(long s) {
        seed = s;
        return this;
    }

    /** Odd entries on or off; off also turns the long path off. */
    public SnapshotTreeGenerator oddEntries(boolean on) {
        oddEntries = on;
        return this;
    }

    /** The path over 4096 bytes (only with odd entries). */
    public SnapshotTreeGenerator longPath(boolean on) {
        longPath = on;
        return this;
    }

    /** Large-files mode: {@code count} extra files of {@code bytes} each under src/large/, in every snapshot. */
    public SnapshotTreeGenerator largeFiles(int count, long bytes) {
        if (count < 0 || bytes < 0) {
            throw new IllegalArgumentException("large files: count and bytes must be >= 0");
        }
        largeFileCount = count;
        largeFileBytes = bytes;
        return this;
    }

    /** After snapshot {@code k} (1-based), copy snapshots/ to mirror/ with rsync -a (no -H); 0: no mirror. */
    public SnapshotTreeGenerator mirrorAfter(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("mirrorAfter must be >= 0, got " + k);
        }
        mirrorAfter = k;
        return this;
    }

    /** The script's command-line options for these settings (bench/run passes the same ones). */
    public List<String> scriptArguments() {
        List<String> a = new ArrayList<>(List.of("--snapshots", Integer.toString(snapshots),
                "--files", Integer.toString(files), "--sizes", sizes.scriptName, "--seed", Long.toString(seed),
                oddEntries ? "--odd" : "--no-odd", longPath ? "--long-path" : "--no-long-path"));
        if (largeFileCount > 0) {
            a.addAll(List.of("--large-files", largeFileCount + ":" + largeFileBytes));
        }
        if (mirrorAfter > 0) {
            a.addAll(List.of("--mirror-after", Integer.toString(mirrorAfter)));
        }
        return a;
    }

    /** Builds the tree in {@code root} (created if missing, must be empty). */
    public SnapshotTree generate(Path root) {
        if (mirrorAfter > snapshots) {
            throw new IllegalArgumentException("mirrorAfter " + mirrorAfter + " > snapshots " + snapshots);
        }
        Path script = extractScript();
        try {
            List<String> cmd = new ArrayList<>(List.of("bash", script.toString(), root.toAbsolutePath().toString()));
            cmd.addAll(scriptArguments());
            String out = new String(Commands.run(null, cmd.toArray(String[]::new)), StandardCharsets.ISO_8859_1);
            return parse(root.toAbsolutePath(), out);
        } finally {
            try {
                Files.deleteIfExists(script);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }

    /** Writes the bundled script to a temp file (the caller deletes it). */
    static Path extractScript() {
        try (InputStream in = SnapshotTreeGenerator.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the testdata resources");
            }
            Path tmp = Files.createTempFile("make-snapshots", ".sh");
            Files.write(tmp, in.readAllBytes());
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + SCRIPT + ": " + e.getMessage(), e);
        }
    }

    private static SnapshotTree parse(Path root, String out) {
        List<String> names = new ArrayList<>();
        String longPath = null;
        long paths = -1;
        long inodes = -1;
        long bytes = -1;
        boolean mirror = false;
        for (String line : out.split("\n")) {
            if (line.startsWith("snapshot ")) {
                names.add(line.substring("snapshot ".length()));
            } else if (line.startsWith("mirror ")) {
                mirror = true;
            } else if (line.startsWith("long-path ")) {
                longPath = line.substring("long-path ".length());
            } else if (line.startsWith("summary ")) {
                for (String kv : line.substring("summary ".length()).split(" ")) {
                    String[] p = kv.split("=", 2);
                    switch (p[0]) {
                        case "paths" -> paths = Long.parseLong(p[1]);
                        case "inodes" -> inodes = Long.parseLong(p[1]);
                        case "unique-bytes" -> bytes = Long.parseLong(p[1]);
                        default -> { }
                    }
                }
            }
        }
        if (names.isEmpty() || paths < 0) {
            throw new IllegalStateException(SCRIPT + " finished without its summary; output:\n" + Commands.shorten(out));
        }
        return new SnapshotTree(root, root.resolve("snapshots"), root.resolve("src"),
                mirror ? Optional.of(root.resolve("mirror")) : Optional.empty(), List.copyOf(names),
                Optional.ofNullable(longPath), paths, inodes, bytes);
    }
}
