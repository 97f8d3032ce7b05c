package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VerifyCommandTest {
    Path dir, src, dst;

    @BeforeEach void trees() throws Exception {
        dir = CliTestSupport.scratch();
        src = dir.resolve("src");
        Path s1 = Files.createDirectories(src.resolve("2024-01-01/docs"));
        Files.writeString(s1.resolve("a.txt"), "alpha\n");
        Files.write(s1.resolve("big.bin"), new byte[200_000]);
        Files.write(s1.resolve("caf" + (char) 0xe9), new byte[] {1, 2, 3});
        CliTestSupport.sh(src.toFile().toPath(), "sh", "-c", "cp -al 2024-01-01 2024-01-02 && ln -s docs/a.txt 2024-01-02/link");
        dst = dir.resolve("dst");
        CliTestSupport.sh(null, "cp", "-a", src.toString(), dst.toString());
    }

    @AfterEach void clean() throws Exception { CliTestSupport.remove(dir); }

    @Test void t01_anIdenticalCopyExits0() {
        CliTestSupport.Result r = CliTestSupport.run("verify", src.toString(), dst.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.outText().startsWith("verify: IDENTICAL:"), r.outText());
    }

    @Test void t02_differencesExit4_summaryShowsThemEscaped_jsonHasEveryOne() throws Exception {
        Path odd = dst.resolve("2024-01-02/docs/caf" + (char) 0xe9);
        Files.delete(odd);
        CliTestSupport.sh(null, "touch", "-r", src.resolve("2024-01-02/docs").toString(), dst.resolve("2024-01-02/docs").toString());
        CliTestSupport.sh(null, "chmod", "600", dst.resolve("2024-01-01/docs/a.txt").toString());
        Path json = dir.resolve("v.json");
        CliTestSupport.Result r = CliTestSupport.run("verify", src.toString(), dst.toString(), "--json", json.toString());
        assertEquals(4, r.code(), r.err());
        assertTrue(r.outText().contains("2024-01-02/docs/caf\\xe9: file in SOURCE, not in TARGET"), r.outText());
        assertTrue(r.outText().contains("mode            2"), r.outText());
        String j = Files.readString(json, StandardCharsets.UTF_8);
        assertTrue(j.contains("{\"kind\":\"missing\",\"path\":\"2024-01-02/docs/caf\\\\xe9\""), j);
        assertTrue(j.contains("\"kind\":\"mode\",\"path\":\"2024-01-01/docs/a.txt\""), j);
        assertTrue(j.contains("\"kind\":\"mode\",\"path\":\"2024-01-02/docs/a.txt\""), j);
        assertTrue(j.contains("\"verdict\":\"different\"") && j.contains("\"exitCode\":4"), j);
    }

    @Test void t03_usageErrorsExit2() {
        assertEquals(2, CliTestSupport.run("verify", src.toString()).code());
        assertEquals(2, CliTestSupport.run("verify", "--archive", "x.tar", src.toString(), dst.toString()).code());
        CliTestSupport.Result r = CliTestSupport.run("verify", "--archive", "x.tar", "--rescue-report", "r.json", src.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--rescue-report applies to verify SOURCE TARGET"), r.err());
    }

    @Test void t04_aMissingRootIsOneLineAndExit1() {
        CliTestSupport.Result r = CliTestSupport.run("verify", src.toString(), dir.resolve("nowhere").toString());
        assertEquals(1, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertEquals("linkrescue: cannot read target '" + dir.resolve("nowhere") + "': ENOENT (No such file or directory)\n", r.err());
    }

    @Test void t05_ourOwnArchive_compressed_isFaithfulToItsTree() throws Exception {
        Path a = dir.resolve("t.tar.zst");
        CliTestSupport.Result w = CliTestSupport.run("archive", src.toString(), "-f", a.toString(), "-q");
        assertEquals(0, w.code(), w.err());
        CliTestSupport.Result r = CliTestSupport.run("verify", "--archive", a.toString(), src.toString());
        assertEquals(0, r.code(), r.outText() + r.err());
        Files.writeString(src.resolve("2024-01-02/later"), "x");
        r = CliTestSupport.run("verify", "--archive", a.toString(), src.toString());
        assertEquals(4, r.code());
        assertTrue(r.outText().contains("2024-01-02/later: file in SOURCE, not in the archive"), r.outText());
    }

    @Test void t06_aRescueReportThatIsNotOneIsAUsageError() throws Exception {
        Path bad = Files.writeString(dir.resolve("r.json"), "{\"totals\":{}}");
        CliTestSupport.Result r = CliTestSupport.run("verify", src.toString(), dst.toString(), "--rescue-report", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("not a rescue report"), r.err());
    }
}
