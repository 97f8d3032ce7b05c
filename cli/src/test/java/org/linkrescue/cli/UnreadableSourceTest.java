package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.migrate.fs.Posix;

/**
 * A file the source drive will not let us read, for real: mode 000, and linkrescue run as root
 * without the capabilities that let root ignore permissions (setpriv drops CAP_DAC_OVERRIDE and
 * CAP_DAC_READ_SEARCH), so open(2) itself returns EACCES.
 */
class UnreadableSourceTest {
    Path dir;

    @BeforeEach void scratch() throws Exception { dir = CliTestSupport.scratch(); }
    @AfterEach void remove() throws Exception { CliTestSupport.remove(dir); }

    @Test
    void t01_anUnreadableFileIsReportedWithPathAndErrno_itsLinksToo_theRestComesThrough_exit3() throws Exception {
        Assumptions.assumeTrue(Posix.isRoot(), "needs root (to drop root's permission override)");
        Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("2024-01-01"));
        Files.createDirectories(src.resolve("2024-01-02"));
        Files.writeString(src.resolve("2024-01-01/locked"), "secret");
        Files.createLink(src.resolve("2024-01-02/locked"), src.resolve("2024-01-01/locked"));
        Files.writeString(src.resolve("2024-01-01/ok"), "fine");
        Files.setPosixFilePermissions(src.resolve("2024-01-01/locked"), PosixFilePermissions.fromString("---------"));
        Path report = dir.resolve("report.json");

        List<String> cmd = new ArrayList<>(List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search",
                "--inh-caps", "-dac_override,-dac_read_search",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.linkrescue.cli.Main",
                "migrate", "--report", report.toString(), src.toString(), dir.resolve("dst").toString()));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, p.waitFor(), err);
        assertEquals("", out);
        assertTrue(err.contains("linkrescue: FAILED 2024-01-01/locked: open: EACCES (Permission denied)"), err);
        assertEquals(1, err.lines().filter(l -> l.startsWith("linkrescue: FAILED 2024-01-01/locked:")).count(),
                "one problem, one line: " + err);
        assertTrue(err.contains("linkrescue: FAILED 2024-01-02/locked: not archived: its inode could not be read"), err);
        assertTrue(err.contains("migrate finished with losses"), err);
        assertEquals("fine", Files.readString(dir.resolve("dst/2024-01-01/ok")));
        assertFalse(Files.exists(dir.resolve("dst/2024-01-01/locked")));
        String json = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"exitCode\":3"), json);
        assertTrue(json.contains("\"paths\":[\"2024-01-01/locked\",\"2024-01-02/locked\"]"),
                "the rescue report names every path of the lost inode: " + json);
    }
}
