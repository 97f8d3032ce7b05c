package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.testdata.Fault;
import org.linkrescue.testdata.FaultFs;
import org.linkrescue.testdata.FaultFs.Op;

/**
 * A read stuck in the kernel keeps the process from ending (a FUSE direct_io read: not even
 * SIGKILL ends it) until the drive answers. The run finishes everything first (target, report,
 * summary) and then says, on one line, that the process waits for that read; once the drive
 * answers it ends at once. A real JVM of its own, on a FUSE drive that holds the read.
 */
class StuckReadsAtExitFaultFsTest {
    @TempDir Path tmp;

    @BeforeEach void fuse() {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
    }

    @Test void t01_everythingIsDoneAndSaidBeforeTheProcessWaitsForAReadStuckInTheKernel() throws Exception {
        Path drive = Files.createDirectories(tmp.resolve("drive/s"));
        Files.writeString(drive.resolve("f"), "held by the drive");
        Files.writeString(drive.resolve("g"), "fine");
        try (FaultFs fs = FaultFs.mount(tmp.resolve("drive"), tmp, true)) {
            fs.add(Fault.on(Op.READ).path("s/f").stallUntilReleased());
            Path report = tmp.resolve("r.json");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "migrate", fs.root().toString(), tmp.resolve("copy").toString(), "--read-timeout", "1", "--report", report.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l);
                } catch (java.io.IOException ignored) {
                    // the child is gone
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines.stream().noneMatch(l -> l.contains("stuck in the kernel")) && System.nanoTime() < deadline) Thread.sleep(50);
            String said = String.join("\n", lines);
            assertTrue(said.contains("linkrescue: finished; the process ends once the drive answers 1 read stuck in the kernel"), said);
            assertTrue(lines.get(lines.size() - 1).contains("stuck in the kernel"), "the last line: " + said);
            assertTrue(said.contains("migrate finished with losses"), "the summary came first: " + said);
            assertTrue(Files.readString(report).contains("\"abandonedReads\":1"), "the report is written, the stuck read counted");
            assertEquals("fine", Files.readString(tmp.resolve("copy/s/g")));
            assertFalse(p.waitFor(1, TimeUnit.SECONDS), "the kernel holds the process while the read is stuck");
            long released = System.nanoTime();
            fs.release();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "ends once the drive answers");
            double exitDelay = (System.nanoTime() - released) / 1e9;
            assertEquals(3, p.exitValue(), said);
            assertTrue(exitDelay < 5, "ended " + exitDelay + " s after the read was let go");
            reader.join(5000);
        }
    }
}
