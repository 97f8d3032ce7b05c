package org.linkrescue.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.linkrescue.archive.Names;

/**
 * Makes a snapshot farm the way the user's backups are made, in plain Java (no rsync, no root):
 * each date starts as `cp -al previous new` (every file a hard link to the previous snapshot's)
 * and is then brought up to date like `rsync -a --delete live/ new/` (a changed file becomes a
 * new inode in the new snapshot only; a deleted one disappears from it). Names are chosen to be
 * awkward: Latin-1 bytes that are not UTF-8, a newline, UTF-8, spaces.
 *
 * <p>Paths are Latin-1 Strings: under linkrescue's locale each char is one byte of the name.
 */
final class DemoSnapshots {
    private static final NoFollow NF = new NoFollow();
    private final Path live;
    private final Path backups;
    private final Random random = new Random(20240101);
    private long clock = 1_704_100_000L; // 2024-01-01, advancing so mtimes differ

    DemoSnapshots(Path live, Path backups) {
        this.live = live;
        this.backups = backups;
    }

    /** Builds four dated snapshots; returns their names in order. */
    List<String> build() throws IOException {
        Files.createDirectories(backups);
        List<String> dates = new ArrayList<>();
        // Day 1: the user's files as they were.
        write("docs/report.txt", "quarterly report\n".repeat(200));
        write("docs/notes.txt", "first notes\n");
        write("photos/img001.jpg", randomBytes(96 * 1024));
        write("photos/img002.jpg", randomBytes(80 * 1024));
        write("caf\u00e9 menu.txt", "menu (Latin-1 name, not UTF-8)\n");
        write("line\nbreak.txt", "a newline in the name\n");
        write(Names.latin1("\u65e5\u672c\u8a9e.txt".getBytes(StandardCharsets.UTF_8)), "a UTF-8 name\n");
        Files.createDirectories(live.resolve("empty dir"));
        Files.createSymbolicLink(live.resolve("latest-notes"), Path.of("docs/notes.txt"));
        dates.add(snapshot("2024-01-01", null));
        // Day 2: notes edited, two photos added.
        write("docs/notes.txt", "first notes\nsecond thoughts\n");
        write("photos/img003.jpg", randomBytes(120 * 1024));
        write("photos/img004.jpg", randomBytes(40 * 1024));
        dates.add(snapshot("2024-01-02", dates.get(0)));
        // Day 3: the report and a photo deleted, the Latin-1 file edited.
        Files.delete(live.resolve("docs/report.txt"));
        Files.delete(live.resolve("photos/img004.jpg"));
        write("caf\u00e9 menu.txt", "menu, new prices\n");
        dates.add(snapshot("2024-01-03", dates.get(1)));
        // Day 4: nothing changed: every file is a link to day 3's.
        dates.add(snapshot("2024-01-04", dates.get(2)));
        return dates;
    }

    private String snapshot(String date, String previous) throws IOException {
        Path snap = backups.resolve(date);
        if (previous == null) Files.createDirectory(snap);
        else linkCopy(backups.resolve(previous), snap);
        sync(live, snap);
        return date;
    }

    private void write(String rel, String text) throws IOException {
        write(rel, text.getBytes(StandardCharsets.UTF_8));
    }

    private void write(String rel, byte[] data) throws IOException {
        Path p = live.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.write(p, data);
        Files.setLastModifiedTime(p, FileTime.fromMillis((clock += 3600) * 1000 + 123));
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /**
     * A cold-storage copy of one snapshot, the way one is usually made: every file copied (no
     * hard links), times kept.
     */
    void mirror(String date, Path mirror) throws IOException {
        Files.createDirectories(mirror);
        Path to = mirror.resolve(date);
        Files.createDirectory(to);
        sync(backups.resolve(date), to);
    }

    /** `cp -al from to`: directories recreated, everything else hard-linked (symlinks too). */
    private static void linkCopy(Path from, Path to) throws IOException {
        Files.createDirectory(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : sorted(s)) {
                Path q = to.resolve(p.getFileName().toString());
                if (Files.isDirectory(p, NF.opts)) linkCopy(p, q);
                else Files.createLink(q, p);
            }
        }
        Files.setLastModifiedTime(to, Files.getLastModifiedTime(from, NF.opts));
    }

    /**
     * `rsync -a --delete src/ dst/`: a file whose size or mtime differs is replaced by a new
     * inode (rsync writes a temporary file and renames it over), so only this snapshot's path
     * changes; paths gone from src are deleted from dst.
     */
    private static void sync(Path src, Path dst) throws IOException {
        List<String> keep = new ArrayList<>();
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : sorted(s)) {
                String name = p.getFileName().toString();
                keep.add(name);
                Path q = dst.resolve(name);
                if (Files.isDirectory(p, NF.opts)) {
                    if (!Files.isDirectory(q, NF.opts)) {
                        if (Files.exists(q, NF.opts)) delete(q);
                        Files.createDirectory(q);
                    }
                    sync(p, q);
                } else if (Files.isSymbolicLink(p)) {
                    if (!Files.isSymbolicLink(q) || !Files.readSymbolicLink(q).equals(Files.readSymbolicLink(p))) {
                        if (Files.exists(q, NF.opts)) delete(q);
                        Files.createSymbolicLink(q, Files.readSymbolicLink(p));
                    }
                } else if (!Files.isRegularFile(q, NF.opts) || Files.size(q) != Files.size(p)
                        || !Files.getLastModifiedTime(q, NF.opts).equals(Files.getLastModifiedTime(p, NF.opts))) {
                    Path tmp = dst.resolve("." + name + ".rsync-tmp");
                    Files.copy(p, tmp, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, q, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        }
        try (Stream<Path> s = Files.list(dst)) {
            for (Path q : sorted(s)) if (!keep.contains(q.getFileName().toString())) delete(q);
        }
        Files.setLastModifiedTime(dst, Files.getLastModifiedTime(src, NF.opts));
    }

    private static void delete(Path p) throws IOException {
        if (Files.isDirectory(p, NF.opts)) {
            try (Stream<Path> s = Files.list(p)) {
                for (Path c : sorted(s)) delete(c);
            }
        }
        Files.delete(p);
    }

    private static List<Path> sorted(Stream<Path> s) {
        return s.sorted((a, b) -> Names.compare(Names.bytes(a.getFileName().toString()),
                Names.bytes(b.getFileName().toString()))).toList();
    }

    private static final class NoFollow {
        final LinkOption[] opts = {LinkOption.NOFOLLOW_LINKS};
    }
}
