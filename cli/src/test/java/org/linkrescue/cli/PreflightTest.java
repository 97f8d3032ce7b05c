package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.cli.CliTestSupport.Result;

/**
 * Every option and path is checked before the drive is read (issue 14.11): each wrong one is
 * one line naming the option, the path and what is wrong, exit 2, and nothing is made.
 */
class PreflightTest {
    @TempDir Path dir;
    Path snaps, target, aDir, binary;

    @BeforeEach void tree() throws Exception {
        snaps = dir.resolve("snaps");
        Files.createDirectories(snaps.resolve("2024-01-01/home"));
        Files.writeString(snaps.resolve("2024-01-01/home/f"), "data");
        target = dir.resolve("new");
        aDir = Files.createDirectory(dir.resolve("a-dir"));
        binary = Files.write(dir.resolve("bin.json"), new byte[] {(byte) 0xff, (byte) 0xfe, '{'});
    }

    private Result refused(String expected, String... args) {
        Result r = CliTestSupport.run(args);
        assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
        assertEquals("linkrescue: " + expected + "\n", r.err(), String.join(" ", args));
        assertFalse(Files.exists(target), "nothing made: " + String.join(" ", args));
        return r;
    }

    private String[] migrate(String... more) {
        List<String> a = new ArrayList<>(List.of("migrate", snaps.toString(), target.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test void t01_outputFilesThatCannotBeWrittenAreFoundFirst() {
        refused("--report '" + aDir + "': cannot be written: EISDIR (Is a directory)", migrate("--report", aDir.toString()));
        refused("--report '" + dir.resolve("no/r.json") + "': cannot be written: ENOENT (No such file or directory)",
                migrate("--report", dir.resolve("no/r.json").toString()));
        refused("--archive-copy '" + aDir + "': cannot be written: EISDIR (Is a directory)", migrate("--archive-copy", aDir.toString()));
        refused("--json '" + aDir + "': cannot be written: EISDIR (Is a directory)", "scan", snaps.toString(), "--json", aDir.toString());
        refused("--json '" + aDir + "': cannot be written: EISDIR (Is a directory)", "verify", snaps.toString(), snaps.toString(), "--json", aDir.toString());
        assertFalse(Files.exists(dir.resolve("no")), "the check leaves nothing behind");
    }

    @Test void t02_alternatesAndTheSpoolDirectoryMustBeDirectories() throws Exception {
        refused("--alternate mirror '" + dir.resolve("none") + "': no such file or directory", migrate("--alternate", "mirror=" + dir.resolve("none")));
        Path file = Files.writeString(dir.resolve("file"), "x");
        refused("--alternate original '" + file + "': is not a directory", migrate("--alternate", "original=" + file));
        refused("--spool-dir '" + dir.resolve("none") + "': no such file or directory", migrate("--spool-dir", dir.resolve("none").toString()));
        refused("--alternate mirror '" + file + "': is not a directory", "repair", snaps.toString(), "--alternate", "mirror=" + file);
    }

    @Test void t03_numbersOutsideSensibleLimitsAreUsageErrors() {
        refused("--block-size must be a power of two from 512 to 1048576 (1 MiB), not 1073741824", migrate("--block-size", "1073741824"));
        refused("--retries must be from 0 to 100, not 2000000000", migrate("--retries", "2000000000"));
        refused("--read-timeout must be from 1 to 86400 seconds, not 0", migrate("--read-timeout", "0"));
        refused("--snapshot-depth must be from 0 to 16, not 99", migrate("--snapshot-depth", "99"));
        refused("--snapshot-depth 3: SOURCE '" + snaps + "' has no directory 3 levels down (the first snapshot path ends at level 2)",
                migrate("--snapshot-depth", "3"));
        assertEquals(0, CliTestSupport.run(migrate("--snapshot-depth", "2", "-q")).code(), "a depth the tree has");
    }

    @Test void t04_inputFilesAreReadFirstAndTheirFaultsNamedWithTheFile() throws Exception {
        refused("--exclude-from '" + aDir + "': is a directory, not a file", migrate("--exclude-from", aDir.toString()));
        refused("--rescue-report '" + binary + "': not UTF-8 text (byte 0), not a JSON report",
                "verify", snaps.toString(), snaps.toString(), "--rescue-report", binary.toString());
        refused("--rescue-report '" + aDir + "': is a directory", "verify", snaps.toString(), snaps.toString(), "--rescue-report", aDir.toString());
        refused("--from-scan '" + aDir + "': is a directory", "repair", snaps.toString(), "--alternate", "mirror=" + aDir, "--from-scan", aDir.toString());
        refused("--from-scan '" + binary + "': not UTF-8 text (byte 0), not a JSON report",
                "repair", snaps.toString(), "--alternate", "mirror=" + aDir, "--from-scan", binary.toString());
        Result archive = CliTestSupport.run("extract", "-f", aDir.toString(), "-C", target.toString());
        assertEquals("linkrescue: cannot read archive '" + aDir + "': is a directory\n", archive.err());
    }

    @Test void t05_repairOnAReadOnlyMountIsRefusedBeforeAnythingIsRead() throws Exception {
        Path ro = Files.createDirectory(dir.resolve("ro"));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", ro.toString()).redirectErrorStream(true).start();
        m.getInputStream().readAllBytes();
        org.junit.jupiter.api.Assumptions.assumeTrue(m.waitFor() == 0, "cannot mount a tmpfs here (needs root)");
        try {
            Result r = CliTestSupport.run("repair", ro.toString(), "--alternate", "mirror=" + aDir);
            assertEquals(2, r.code(), r.err());
            assertEquals("linkrescue: repair: SOURCE '" + ro + "' is on a read-only mount; remount it read-write"
                    + " (mount -o remount,rw) to repair in place\n", r.err());
            assertEquals(0, CliTestSupport.run("repair", ro.toString(), "--alternate", "mirror=" + aDir, "--dry-run").code(),
                    "a dry run changes nothing, so a read-only mount will do");
        } finally {
            new ProcessBuilder("umount", ro.toString()).start().waitFor();
        }
    }
}
