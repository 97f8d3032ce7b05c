package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.migrate.fs.Posix;

/**
 * A run stopped by a fatal error still writes its --report (outcome "failed", exit code 1, the
 * error with its path) and says which path failed: on a real full target, a 1 MiB tmpfs.
 */
class FatalStopReportTmpfsTest {
    @TempDir Path tmp;
    Path small, src;

    @BeforeEach void smallTmpfs() throws Exception {
        Assumptions.assumeTrue(Posix.isRoot(), "FatalStopReportTmpfsTest skipped: needs root to mount a 1 MiB tmpfs");
        small = Files.createDirectory(tmp.resolve("small"));
        CliTestSupport.sh(null, "mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString());
        src = tmp.resolve("src");
        Files.createDirectories(src.resolve("snap/d"));
        Files.write(src.resolve("snap/d/small"), new byte[100]);
        Files.write(src.resolve("snap/d/big"), new byte[3 << 20]);
    }

    @AfterEach void unmount() throws Exception {
        if (small != null) CliTestSupport.sh(null, "umount", "-l", small.toString());
    }

    private String report(Path p) throws Exception {
        assertTrue(Files.exists(p), "the report was written");
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** A full target is a stop a resume goes on from (issue 15): the report says "interrupted", by target-full. */
    @Test void t01_migrateToAFullTargetStopsWithExit1AndWritesAnInterruptedReportNamingThePath() throws Exception {
        Path rep = tmp.resolve("migrate.json");
        CliTestSupport.Result r = CliTestSupport.run("migrate", src.toString(), small.resolve("copy").toString(), "--report", rep.toString(),
                "--force"); // past the room check, to fill the target mid-run
        assertEquals(1, r.code(), r.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cannot write the target at '(snap/d/[a-z]+)': .*No space left on device")
                .matcher(r.err());
        assertTrue(m.find(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        String json = report(rep);
        assertTrue(json.contains("\"outcome\":\"interrupted\""), json);
        assertTrue(json.contains("\"by\":\"target-full\""), json);
        assertTrue(json.contains("\"exitCode\":1"), json);
        assertTrue(json.contains("\"grade\":\"FATAL\",\"path\":\"" + m.group(1) + "\""), json);
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
    }

    @Test void t02_archiveToAFullDiskNamesTheArchiveAndWritesAFailedReport() throws Exception {
        Path rep = tmp.resolve("archive.json"), tar = small.resolve("backup.tar");
        CliTestSupport.Result r = CliTestSupport.run("archive", src.toString(), "-f", tar.toString(), "--report", rep.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(tar.toString()) && r.err().contains("No space left on device"), r.err());
        String json = report(rep);
        assertTrue(json.contains("\"outcome\":\"failed\""), json);
        assertTrue(json.contains("\"exitCode\":1"), json);
        assertTrue(json.contains("No space left on device"), json);
    }

    @Test void t03_aFatalErrorBeforeAnythingIsReadStillLeavesAReport() throws Exception {
        Path rep = tmp.resolve("nosource.json");
        CliTestSupport.Result r = CliTestSupport.run("migrate", tmp.resolve("missing").toString(), small.resolve("c").toString(),
                "--report", rep.toString());
        assertEquals(1, r.code(), r.err());
        String json = report(rep);
        assertTrue(json.contains("\"outcome\":\"failed\""), json);
        assertTrue(json.contains("cannot read source"), json);
    }
}
