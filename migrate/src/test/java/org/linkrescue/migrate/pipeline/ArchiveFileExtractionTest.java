package org.linkrescue.migrate.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.TarFormatException;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.sink.DiskSink;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.PlainRange;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Provenance;

/**
 * extract of an uncompressed archive file read by offset: every plain file's data copied
 * kernel-side from the archive, the tree identical to what GNU tar extracts from the same
 * archive (find -printf and sha256sum as oracles), sparse entries and truncated archives
 * exactly as from a stream. The archive sits on ext4 (/var/tmp); targets on tmpfs (/dev/shm:
 * the copy crosses file systems) and on the same ext4.
 */
class ArchiveFileExtractionTest {
    Path disk, shm, src;
    final List<String> problems = new ArrayList<>();
    final Problems log = (g, p, w) -> { synchronized (problems) { problems.add(g + " " + (p == null ? "" : Names.latin1(p)) + ": " + w); } };

    @BeforeEach
    void dirs() throws Exception {
        disk = Files.createTempDirectory(Path.of("/var/tmp"), "lr-archfile-");
        shm = Files.createTempDirectory(Path.of("/dev/shm"), "lr-archfile-");
        src = disk.resolve("src");
        // Sizes around the read-ahead limit (16 MiB), an empty file, odd names, links, a symlink.
        sh("mkdir -p src/d/e && cd src"
                + " && head -c 17000001 /dev/urandom > d/big && head -c 16777216 /dev/urandom > d/e/exact16m"
                + " && head -c 16777217 /dev/urandom > over16m && head -c 700 /dev/urandom > small"
                + " && : > empty && printf 'nl' > \"$(printf 'new\\nline')\" && printf 'ff' > \"$(printf 'bad\\377name')\""
                + " && ln small d/small-link && ln d/big d/e/big-link && ln -s ../small d/sym"
                + " && touch -d @1600000000.123456789 small d/big && chmod 600 d/e/exact16m", disk);
    }

    @AfterEach
    void clean() throws Exception {
        new ProcessBuilder("rm", "-rf", disk.toString(), shm.toString()).start().waitFor();
    }

    static String sh(String script, Path cwd) throws Exception {
        // LC_ALL=C: GNU tar keeps odd name bytes as they are (hdrcharset=BINARY), no charset conversion.
        Process p = new ProcessBuilder("bash", "-c", "export LC_ALL=C; " + script).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, p.waitFor(), script + ": " + out);
        return out;
    }

    /** Every path with size, mode, ns mtime and link count, and every file's sha256. */
    static String listing(Path root) throws Exception {
        // A directory's size is the file system's business (tmpfs and ext4 differ), not the archive's.
        return sh("find . -mindepth 1 \\( -type d -printf '%P %y %m %T@ %n\\n' \\) -o -printf '%P %y %s %m %T@ %n %l\\n' | LC_ALL=C sort"
                + " && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum", root);
    }

    /** sha256sum of every file, "HASH  ./path" lines. */
    static String sums(Path root) throws Exception {
        return sh("find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum", root);
    }

    /** Passes everything on to a DiskSink; counts the FILE entries handed over as ranges of the archive. */
    static final class CountingRanges implements EntrySink {
        final EntrySink sink;
        final AtomicInteger ranges = new AtomicInteger(), files = new AtomicInteger();

        CountingRanges(EntrySink sink) { this.sink = sink; }

        @Override public void accept(Entry e, Content c) throws IOException {
            if (e.type() == EntryType.FILE) {
                files.incrementAndGet();
                if (c.as(PlainRange.class) != null) ranges.incrementAndGet();
            }
            sink.accept(e, c);
        }
        @Override public void finish() throws IOException { sink.finish(); }
        @Override public void close() throws IOException { sink.close(); }
    }

    private DiskSink diskSink(Path dst) throws IOException {
        return DiskSink.open(Names.bytes(dst.toString()), DiskSink.Options.defaults(), log).allowLinksToNonRegular();
    }

    private CountingRanges extractByOffset(Path tar, Path dst) throws IOException {
        CountingRanges sink = new CountingRanges(diskSink(dst));
        ArchiveFile f = ArchiveFile.openIfPlain(Names.bytes(tar.toString()));
        assertNotNull(f, "an uncompressed regular file");
        new Extraction(log, new RunTotals(), x -> Provenance.CLEAN).run(f, sink, null);
        return sink;
    }

    private void extractAsStream(Path tar, Path dst) throws IOException {
        try (InputStream in = new FileInputStream(tar.toFile())) {
            new Extraction(log, new RunTotals(), x -> Provenance.CLEAN).run(in, diskSink(dst), null);
        }
    }

    private String gnuTarListing(Path tar) throws Exception {
        Path oracle = Files.createDirectory(shm.resolve("oracle"));
        sh("tar -xf '" + tar + "'", oracle);
        return listing(oracle);
    }

    @Test
    void t01_anUncompressedArchiveFileIsExtractedByOffsetExactlyAsGnuTarExtractsIt() throws Exception {
        for (String format : new String[] {"posix", "gnu"}) {
            Path tar = disk.resolve(format + ".tar");
            sh("tar --format=" + format + " -C src -cf '" + tar + "' .", disk);
            String want = gnuTarListing(tar);
            for (Path dir : new Path[] {shm, disk}) { // across file systems, and on the archive's own
                Path dst = dir.resolve("dst-" + format);
                CountingRanges r = extractByOffset(tar, dst);
                assertEquals(want, listing(dst), format + " into " + dir);
                assertEquals(r.files.get(), r.ranges.get(), "every file's data copied from the archive");
                assertEquals(7, r.files.get(), "7 inodes (2 more paths are hard links)");
            }
            sh("rm -rf oracle", shm);
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void t02_sparseEntriesAreReadAsBeforeAndTheirNeighboursByOffset() throws Exception {
        sh("cd src && truncate -s 30M holes && printf 'end' >> holes && printf 'start' | dd of=holes conv=notrunc status=none"
                + " && printf 'mid' | dd of=holes bs=1 seek=20000000 conv=notrunc status=none", disk);
        for (String format : new String[] {"gnu", "posix"}) { // old GNU 'S' headers, and PAX 1.0
            Path tar = disk.resolve(format + "-sparse.tar");
            sh("tar --format=" + format + " --sparse -C src -cf '" + tar + "' .", disk);
            String want = gnuTarListing(tar);
            Path dst = shm.resolve("dst-" + format);
            CountingRanges r = extractByOffset(tar, dst);
            assertEquals(want, listing(dst), format);
            assertEquals(r.files.get() - 1, r.ranges.get(), "all but the sparse file by offset");
            sh("rm -rf oracle", shm);
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void t03_aTruncatedArchiveFileFailsWithTheStreamsMessageAndLeavesNoShortFile() throws Exception {
        Path whole = disk.resolve("whole.tar");
        sh("tar --format=posix -C src -cf '" + whole + "' d small", disk);
        byte[] all = Files.readAllBytes(whole);
        // Where the data of the big file and of the last entry lie, by the reader's own offsets.
        long bigAt = -1, lastEnd = -1;
        try (org.linkrescue.archive.TarReader r = new org.linkrescue.archive.TarReader(new java.io.ByteArrayInputStream(all))) {
            for (Entry e; (e = r.next()) != null; ) {
                if (e.type() != EntryType.FILE) continue;
                if (e.size() == 17_000_001) bigAt = r.dataOffset(); // d/big or d/e/big-link, whichever comes first
                lastEnd = r.dataOffset() + (e.size() + 511) / 512 * 512;
            }
        }
        assertTrue(bigAt > 0);
        long[] cuts = {
            bigAt + 1000,                 // inside the data of a file copied by offset
            bigAt + 17_000_001 + 3,       // inside its padding
            bigAt + 17_000_001 + 511 + 100, // inside the next header
            lastEnd,                      // before the end marker
            lastEnd + 600,                // inside the end marker
        };
        String sums = sums(src);
        int i = 0;
        for (long cut : cuts) {
            Path tar = disk.resolve("cut" + i + ".tar");
            Files.write(tar, Arrays.copyOf(all, (int) cut));
            Path a = shm.resolve("byOffset" + i), b = shm.resolve("stream" + i);
            String byOffset = assertThrows(TarFormatException.class, () -> extractByOffset(tar, a)).getMessage();
            String stream = assertThrows(TarFormatException.class, () -> extractAsStream(tar, b)).getMessage();
            assertEquals(stream, byOffset, "cut at " + cut);
            assertTrue(byOffset.startsWith("archive truncated") || byOffset.startsWith("archive ends at byte offset"), byOffset);
            // What is extracted before a fatal error differs (entries still queued for the sink
            // when the reader fails are dropped, and by offset more are queued): but every file
            // that is there is whole.
            for (Path dst : new Path[] {a, b}) {
                if (!Files.exists(dst)) continue; // nothing was written: the sink removed the target it made
                for (String line : sums(dst).split("\n")) {
                    if (!line.isEmpty()) assertTrue(sums.contains(line), "short or wrong file after cut at " + cut + ": " + line);
                }
            }
            i++;
        }
    }

    @Test
    void t04_anArchiveIsReadFromWhereItsDescriptorStandsAndThatPositionNeverMoves() throws Exception {
        Path tar = disk.resolve("plain.tar");
        sh("tar --format=posix -C src -cf '" + tar + "' . && head -c 1000 /dev/urandom > prefixed.tar && cat plain.tar >> prefixed.tar", disk);
        String want = gnuTarListing(tar);
        int fd = Posix.openat(Posix.AT_FDCWD, Names.bytes(disk.resolve("prefixed.tar").toString()), Posix.O_RDONLY, 0);
        try {
            Posix.lseek(fd, 1000, Posix.SEEK_SET); // as a shell leaves stdin after reading a prefix
            ArchiveFile f = ArchiveFile.fromPosition(fd);
            assertNotNull(f);
            CountingRanges r = new CountingRanges(diskSink(shm.resolve("dst")));
            new Extraction(log, new RunTotals(), x -> Provenance.CLEAN).run(f, r, null);
            assertEquals(want, listing(shm.resolve("dst")));
            assertEquals(7, r.ranges.get());
            assertEquals(1000, Posix.lseek(fd, 0, Posix.SEEK_CUR), "reader and copies read by offset only");
        } finally {
            Posix.close(fd);
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void t05_onlyAnUncompressedRegularFileIsReadByOffset() throws Exception {
        sh("tar -C src -cf plain.tar small && gzip -k plain.tar && zstd -q plain.tar && mkfifo fifo && : > empty.tar", disk);
        assertNotNull(close(ArchiveFile.openIfPlain(Names.bytes(disk.resolve("plain.tar").toString()))));
        assertNotNull(close(ArchiveFile.openIfPlain(Names.bytes(disk.resolve("empty.tar").toString()))),
                "an empty file is an uncompressed archive that ends at once (the reader says so)");
        for (String other : new String[] {"plain.tar.gz", "plain.tar.zst", "fifo", "src", "missing.tar"})
            assertNull(ArchiveFile.openIfPlain(Names.bytes(disk.resolve(other).toString())), other);
    }

    private static ArchiveFile close(ArchiveFile f) {
        if (f != null) f.close();
        return f;
    }
}
