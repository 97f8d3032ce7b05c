package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running out of descriptors is this machine's limit, not the drive's damage: the run stops as
 * a fatal error (exit 1, one line saying what to raise, a failed report) instead of leaving out
 * every file it could not open and calling it damaged. A real limit: the child JVM runs under
 * prlimit --nofile=55, which its read-ahead (up to 256 open files) runs into whichever side
 * (the drive's files or the target's) meets it first.
 */
class MachineLimitTest {
    @TempDir Path tmp;

    @Test void t01_outOfDescriptorsStopsTheRunInsteadOfLeavingFilesOutAsDamaged() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/prlimit")), "needs prlimit (util-linux)");
        Path src = Files.createDirectories(tmp.resolve("src/s"));
        for (int i = 0; i < 600; i++) Files.writeString(src.resolve("f" + i), "file " + i);
        Path rep = tmp.resolve("r.json");
        ChildRun.Result r = new ChildRun().as("prlimit", "--nofile=55:55")
                .run(tmp, "migrate", "-q", tmp.resolve("src").toString(), tmp.resolve("copy").toString(), "--report", rep.toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains("EMFILE (Too many open files)"), r.err());
        assertFalse(r.err().contains("left out") || r.err().contains("FAILED"), "no file called damaged or failed for it: " + r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        String json = Files.readString(rep);
        assertTrue(json.contains("\"outcome\":\"failed\""), json);
        assertTrue(json.contains("\"damagedInodes\":0"), json);
    }
}
