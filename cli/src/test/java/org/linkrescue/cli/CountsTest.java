package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.cli.CliTestSupport.Result;
import org.linkrescue.migrate.stream.JsonReader;

/** One vocabulary of counts (issue 18.6): every command says the same of one tree. */
class CountsTest {
    @TempDir Path dir;

    @Test void t01_scanMigrateArchiveAndExtractCountOneTreeAlike_inTheirLinesAndTheirJson() throws Exception {
        Path snaps = dir.resolve("snaps");
        Files.createDirectories(snaps.resolve("2024-01-01/d"));
        Files.writeString(snaps.resolve("2024-01-01/d/a"), "aaaa");
        Files.writeString(snaps.resolve("2024-01-01/d/b"), "bb");
        Files.createSymbolicLink(snaps.resolve("2024-01-01/d/s"), Path.of("a"));
        CliTestSupport.sh(null, "mkfifo", snaps.resolve("2024-01-01/d/p").toString());
        CliTestSupport.sh(null, "cp", "-al", snaps.resolve("2024-01-01").toString(), snaps.resolve("2024-01-02").toString());
        Files.writeString(snaps.resolve("2024-01-02/d/c"), "c");
        // 14 paths: the top + 2 snapshots x (snapshot dir, d, a, b, s, p) + c; 10 inodes: the top, 2+2 dirs, a, b, s, p, c
        String expected = "14 paths (10 inodes, 4 hard links): 3 files, 5 directories, 1 symlink, 1 special file, 7 B";

        Result scan = CliTestSupport.run("scan", snaps.toString(), "--json", dir.resolve("scan.json").toString());
        assertTrue(scan.outText().startsWith("scan: " + expected + "; 0 errors\n"), scan.outText());
        Result migrate = CliTestSupport.run("migrate", snaps.toString(), dir.resolve("new").toString(), "--report", dir.resolve("m.json").toString());
        assertTrue(migrate.err().matches("linkrescue: migrate done in [0-9.]+ s: \\Q" + expected + "\\E\n"), migrate.err());
        Result archive = CliTestSupport.run("archive", snaps.toString(), "-f", dir.resolve("a.tar").toString(), "--report", dir.resolve("a.json").toString());
        assertTrue(archive.err().endsWith(expected + "\n"), archive.err());
        Result extract = CliTestSupport.run("extract", "-f", dir.resolve("a.tar").toString(), "-C", dir.resolve("x").toString(),
                "--report", dir.resolve("x.json").toString());
        assertTrue(extract.err().endsWith(expected + "\n"), extract.err());

        Object counts = counts("scan.json");
        assertEquals(Map.of("paths", 14L, "inodes", 10L, "hardLinks", 4L, "files", 3L, "directories", 5L, "symlinks", 1L,
                "specialFiles", 1L, "bytes", 7L), counts);
        for (String report : new String[] {"m.json", "a.json", "x.json"}) assertEquals(counts, counts(report), report);
        Map<?, ?> scanJson = (Map<?, ?>) JsonReader.parseFile(dir.resolve("scan.json"));
        assertEquals(Map.of("1", 6L, "2", 4L), scanJson.get("inodesByLinkCount"), "at the top, as the README shows it");
    }

    @Test void t02_oneOfAnythingIsSingular() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Files.writeString(a.resolve("f"), "x");
        Path b = Files.createDirectories(dir.resolve("b"));
        Files.writeString(b.resolve("f"), "y");
        // Only the content differs: the two trees' mtimes are made equal (written a tick apart, they differ).
        Files.setLastModifiedTime(b.resolve("f"), Files.getLastModifiedTime(a.resolve("f")));
        Files.setLastModifiedTime(b, Files.getLastModifiedTime(a));
        Result v = CliTestSupport.run("verify", a.toString(), b.toString());
        assertTrue(v.outText().startsWith("verify: DIFFERENT: 2 paths compared with TARGET, 1 difference, 0 errors\n"), v.outText());
    }

    private Object counts(String report) throws Exception {
        return ((Map<?, ?>) JsonReader.parseFile(dir.resolve(report))).get("counts");
    }
}
