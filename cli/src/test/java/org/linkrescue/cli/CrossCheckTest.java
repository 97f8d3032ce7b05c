package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.cli.CliTestSupport.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.testdata.SnapshotTree;
import org.linkrescue.testdata.SnapshotTreeGenerator;

/**
 * Silent damage without any map (issue 20): an rsnapshot tree (daily.N/localhost) in which one
 * hard-linked file has 16 bytes flipped and another a 4 KiB block zeroed, both mtimes kept, so
 * no read fails and migrate exits 0 with the damage (the problem, measured first). The mirror is
 * a cold copy made one rotation earlier without hard links (rsync -a): every snapshot sits one
 * name off, and every link is a file of its own. --cross-check finds exactly the two inodes with
 * all their paths, and nothing else; migrate --cross-check splices the zeroed block from the
 * mirror and keeps (and reports) the flipped bytes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossCheckTest {
    Path work, source, mirror, original;
    String flipped, zeroed; // paths below daily.N/localhost/
    byte[] flippedGood, zeroedGood;
    List<String> flippedPaths = new ArrayList<>(), zeroedPaths = new ArrayList<>();
    static final int FLIP_AT = 5000, ZERO_AT = 8192;

    @BeforeAll void damageASnapshotTreeSilently() throws Exception {
        work = Files.createTempDirectory("lr-crosscheck-");
        SnapshotTree gen = new SnapshotTreeGenerator().snapshots(4).filesPerSnapshot(30).longPath(false).seed(20)
                .generate(work.resolve("gen"));
        original = gen.original();
        source = Files.createDirectories(work.resolve("snapshots"));
        int n = gen.snapshotNames().size();
        for (int i = 0; i < n; i++) { // rsnapshot: daily.0 is the newest
            Path d = Files.createDirectories(source.resolve("daily." + (n - 1 - i)));
            Files.move(gen.snapshot(gen.snapshotNames().get(i)), d.resolve("localhost"));
        }
        // the cold copy, one rotation ago: the source's daily.1..3 as its daily.0..2, links not kept
        mirror = Files.createDirectories(work.resolve("mirror"));
        for (int i = 1; i < n; i++)
            CliTestSupport.sh(null, "rsync", "-a", source.resolve("daily." + i) + "/", mirror.resolve("daily." + (i - 1)) + "/");

        // two hard-linked files present in every snapshot (so in the mirror too), one damaged each way
        List<Path> linked = linkedInEverySnapshot(source.resolve("daily.0/localhost"), n);
        flipped = source.resolve("daily.0/localhost").relativize(linked.get(0)).toString();
        zeroed = source.resolve("daily.0/localhost").relativize(linked.get(1)).toString();
        flippedGood = Files.readAllBytes(linked.get(0));
        zeroedGood = Files.readAllBytes(linked.get(1));
        byte[] f = flippedGood.clone();
        for (int i = 0; i < 16; i++) f[FLIP_AT + i * 7] ^= 0x20;
        rewriteKeepingMtime(linked.get(0), f);
        byte[] z = zeroedGood.clone();
        java.util.Arrays.fill(z, ZERO_AT, ZERO_AT + 4096, (byte) 0);
        rewriteKeepingMtime(linked.get(1), z);
        for (int i = 0; i < n; i++) {
            flippedPaths.add("daily." + i + "/localhost/" + flipped);
            zeroedPaths.add("daily." + i + "/localhost/" + zeroed);
        }
    }

    @AfterAll void remove() throws Exception { CliTestSupport.remove(work); }

    /** Regular files over 16 KiB with one link in each of the n snapshots, in name order. */
    static List<Path> linkedInEverySnapshot(Path newest, int n) throws Exception {
        try (Stream<Path> s = Files.walk(newest)) {
            List<Path> out = s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).filter(p -> {
                try {
                    return Files.size(p) > 16384 && (int) Files.getAttribute(p, "unix:nlink", LinkOption.NOFOLLOW_LINKS) == n;
                } catch (Exception e) {
                    return false;
                }
            }).sorted().toList();
            assertTrue(out.size() >= 2, "the generated tree has two files linked in every snapshot: " + out);
            return out;
        }
    }

    /** Writes new bytes into the inode in place (every link sees them) and puts its mtime back. */
    static void rewriteKeepingMtime(Path p, byte[] data) throws Exception {
        FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        Files.write(p, data);
        Files.setLastModifiedTime(p, t);
    }

    @Test void t01_withoutTheCrossCheckNothingNoticesTheDamage() throws Exception {
        CliTestSupport.Result m = run("migrate", source.toString(), work.resolve("plain").toString(), "-q");
        assertEquals(0, m.code(), m.err());
        CliTestSupport.Result s = run("scan", source.toString(), "--read-test", "--snapshot-depth", "2");
        assertEquals(0, s.code(), s.outText() + s.err());
    }

    @Test void t02_scanFindsBothInodesWithAllTheirPathsAndNothingElse() throws Exception {
        Path json = work.resolve("cc.json");
        CliTestSupport.Result r = run("scan", source.toString(), "--snapshot-depth", "2", "--cross-check",
                "--alternate", "mirror=" + mirror, "--json", json.toString());
        assertEquals(3, r.code(), r.outText() + r.err());
        String out = r.outText();
        String j = Files.readString(json, StandardCharsets.UTF_8);
        assertEquals(2, j.split("\"ino\":").length - 1, "exactly the two damaged inodes:\n" + out);
        assertTrue(j.contains("\"paths\":[" + quoted(flippedPaths) + "]"), j);
        assertTrue(j.contains("\"paths\":[" + quoted(zeroedPaths) + "]"), j);
        assertTrue(j.contains("{\"range\":\"4608-5119\",\"differingBytes\":16,\"zeros\":[]}"), j);
        assertTrue(j.contains("{\"range\":\"8192-12287\",\"differingBytes\":" + nonZero(zeroedGood, ZERO_AT, 4096)
                + ",\"zeros\":[\"SOURCE\"]}"), j);
        assertTrue(out.contains("8192-12287: " + nonZero(zeroedGood, ZERO_AT, 4096) + " bytes differ; SOURCE holds zeros"), out);
        assertTrue(out.matches("(?s).*cross-check: \\d+ inodes compared with mirror, \\d+ without a copy of the same size and mtime;"
                + " 2 disagree; read .* from SOURCE and .* from the alternates.*"), out);
    }

    @Test void t03_withThreeCopiesItSaysWhichTwoAgree() throws Exception {
        CliTestSupport.Result r = run("scan", source.toString(), "--snapshot-depth", "2", "--cross-check",
                "--alternate", "mirror=" + mirror, "--alternate", "original=" + original);
        assertEquals(3, r.code(), r.outText() + r.err());
        assertTrue(r.outText().contains("4608-5119: 16 bytes differ; mirror and original agree; SOURCE differs"), r.outText());
        assertTrue(r.outText().contains("8192-12287: " + nonZero(zeroedGood, ZERO_AT, 4096)
                + " bytes differ; SOURCE holds zeros; mirror and original agree; SOURCE differs"), r.outText());
    }

    @Test void t04_migrateSplicesTheZeroedBlockAndKeepsAndReportsTheFlippedBytes() throws Exception {
        Path target = work.resolve("cross-checked");
        Path report = work.resolve("migrate.json");
        CliTestSupport.Result r = run("migrate", source.toString(), target.toString(), "--snapshot-depth", "2", "--cross-check",
                "--alternate", "mirror=" + mirror, "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        for (String p : zeroedPaths) assertArrayEquals(zeroedGood, Files.readAllBytes(target.resolve(p)), p);
        assertEquals(Files.getAttribute(target.resolve(zeroedPaths.get(0)), "unix:ino"),
                Files.getAttribute(target.resolve(zeroedPaths.get(3)), "unix:ino"));
        byte[] kept = Files.readAllBytes(source.resolve(flippedPaths.get(0)));
        assertArrayEquals(kept, Files.readAllBytes(target.resolve(flippedPaths.get(0))), "SOURCE's bytes kept");
        assertTrue(r.err().contains("WARN " + flippedPaths.get(0) + ": cross-check: 4608-5119: 16 bytes differ (against mirror:"), r.err());
        assertTrue(r.err().contains("cross-check: SOURCE holds zeros in bytes 8192-12287, a copy does not"), r.err());
        String json = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"crossCheck\":{"), json);
        assertTrue(json.contains("\"range\":\"8192-12287\",\"from\":\"mirror:"), json);
    }

    @Test void t05_verifyCountsADisagreementAsADifference() throws Exception {
        Path target = work.resolve("plain-copy");
        assertEquals(0, run("migrate", source.toString(), target.toString(), "-q").code());
        CliTestSupport.Result plain = run("verify", source.toString(), target.toString());
        assertEquals(0, plain.code(), plain.outText());
        Path json = work.resolve("verify.json");
        CliTestSupport.Result r = run("verify", source.toString(), target.toString(), "--cross-check", "--alternate",
                "mirror=" + mirror, "--snapshot-depth", "2", "--json", json.toString());
        assertEquals(4, r.code(), r.outText() + r.err());
        assertTrue(r.outText().startsWith("verify: IDENTICAL"), r.outText());
        assertTrue(r.outText().contains(" 2 disagree;"), r.outText());
        assertTrue(Files.readString(json, StandardCharsets.UTF_8).contains("\"crossCheck\":{\"alternates\":\"mirror\""));
        CliTestSupport.Result usage = run("verify", source.toString(), target.toString(), "--alternate", "mirror=" + mirror);
        assertEquals(2, usage.code(), usage.err());
    }

    @Test void t06_anArchiveWithTheCrossCheckCarriesTheSplicedBlock() throws Exception {
        Path tar = work.resolve("cc.tar");
        CliTestSupport.Result a = run("archive", source.toString(), "-f", tar.toString(), "--snapshot-depth", "2", "--cross-check",
                "--alternate", "mirror=" + mirror, "-q");
        assertEquals(0, a.code(), a.err());
        Path out = work.resolve("extracted");
        assertEquals(0, run("extract", "-f", tar.toString(), "-C", out.toString()).code());
        assertArrayEquals(zeroedGood, Files.readAllBytes(out.resolve(zeroedPaths.get(2))));
    }

    static String quoted(List<String> paths) {
        return String.join(",", paths.stream().map(p -> "\"" + p + "\"").toList());
    }

    static long nonZero(byte[] b, int from, int len) {
        long n = 0;
        for (int i = from; i < from + len; i++) if (b[i] != 0) n++;
        return n;
    }
}
