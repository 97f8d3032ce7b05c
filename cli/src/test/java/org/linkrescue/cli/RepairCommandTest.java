package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.cli.CliTestSupport.run;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `repair` through the CLI on healthy trees: usage, fatal errors, the report. */
class RepairCommandTest {
    @TempDir Path tmp;

    @Test
    void t01_withoutAnAlternateIsAUsageError() {
        CliTestSupport.Result r = run("repair", tmp.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--alternate"), r.err());
    }

    @Test
    void t02_anUnknownAlternateKindIsAUsageErrorInOneLine() {
        CliTestSupport.Result r = run("repair", tmp.toString(), "--alternate", "backup=/x");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("mirror=DIR or original=DIR"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void t03_aMissingSourceIsFatalInOneLine() {
        CliTestSupport.Result r = run("repair", tmp.resolve("nope").toString(), "--alternate", "mirror=" + tmp);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot read source"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void t04_aTreeWithoutDamageExits0AndReportsNothingToDo() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/2024-01-01"));
        Files.writeString(src.resolve("f"), "fine");
        Path report = tmp.resolve("r.json");
        Files.createDirectories(tmp.resolve("m"));
        CliTestSupport.Result r = run("repair", tmp.resolve("src").toString(), "--alternate", "mirror=" + tmp.resolve("m"),
                "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        String json = Files.readString(report);
        assertTrue(json.contains("\"inodes\":[]"), json);
        assertTrue(json.contains("\"allRepaired\":true"), json);
        assertFalse(Files.exists(tmp.resolve("src/.linkrescue-repair.journal")));
    }

    @Test
    void t05_aFromScanFileThatIsNotAScanIsAUsageErrorInOneLine() throws Exception {
        Path bad = Files.writeString(tmp.resolve("scan.json"), "{\"damaged\": [ {\"paths\": [] } ]}");
        CliTestSupport.Result r = run("repair", tmp.toString(), "--alternate", "mirror=" + tmp, "--from-scan", bad.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("without an inode number"), r.err());
    }
}
