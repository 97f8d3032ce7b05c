package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.Fault;
import org.linkrescue.testdata.FaultFs;
import org.linkrescue.testdata.FaultFs.Op;

/**
 * A file that changes while it is read (rewritten with the same size, or grown) is named, as GNU
 * tar names it ("file changed as we read it"): size, mtime and ctime are compared before and
 * after the read. In a rescue its bytes cannot be vouched for: the inode is unverifiable and
 * no copy is checked against it. The change is made for real, through a FUSE drive that holds
 * the read half-way while the test rewrites the file underneath.
 */
class ChangedWhileReadFaultFsTest {
    static final int MiB = 1 << 20;
    @TempDir Path tmp;
    Path backing;

    @BeforeEach void fuse() throws Exception {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
        backing = Files.createDirectories(tmp.resolve("drive/s"));
        Files.write(backing.resolve("f"), FailingDrive.pattern("f", 3 * MiB));
        Files.setLastModifiedTime(backing.resolve("f"), FileTime.fromMillis(1_700_000_000_000L));
        Files.writeString(backing.resolve("small"), "unchanged");
    }

    /** Runs migrate while the read of s/f is held at byte 1 MiB; change runs meanwhile. */
    private CliTestSupport.Result migrateChangingIt(FaultFs fs, ThrowingRunnable change, String... more) throws Exception {
        FaultFs.Rule hold = fs.add(Fault.on(Op.READ).path("s/f").bytes(MiB + 10, MiB + 11).stallUntilReleased().times(1));
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("migrate", fs.root().toString(), tmp.resolve("copy").toString(),
                "--report", tmp.resolve("r.json").toString(), "--read-timeout", "30"));
        args.addAll(java.util.List.of(more));
        CompletableFuture<CliTestSupport.Result> run = CompletableFuture.supplyAsync(() -> CliTestSupport.run(args.toArray(String[]::new)));
        fs.awaitStalled(1, 20_000);
        change.run();
        fs.release(hold);
        return run.get(60, TimeUnit.SECONDS);
    }

    interface ThrowingRunnable { void run() throws Exception; }

    @Test void t01_aFileRewrittenWithTheSameSizeWhileReadIsNamed() throws Exception {
        try (FaultFs fs = FaultFs.mount(tmp.resolve("drive"), tmp, false)) {
            CliTestSupport.Result r = migrateChangingIt(fs, () -> {
                Files.write(backing.resolve("f"), FailingDrive.pattern("g", 3 * MiB)); // same size, new bytes
                Files.setLastModifiedTime(backing.resolve("f"), FileTime.fromMillis(1_700_000_000_000L)); // even the old mtime
            });
            assertTrue(r.err().contains("WARN s/f: file changed as we read it"), r.err());
            assertTrue(r.err().contains("ctime"), "the ctime gives it away: " + r.err());
            assertFalse(r.err().contains("small: file changed"), r.err());
        }
    }

    @Test void t02_aFileThatGrowsWhileReadIsNamed() throws Exception {
        try (FaultFs fs = FaultFs.mount(tmp.resolve("drive"), tmp, false)) {
            CliTestSupport.Result r = migrateChangingIt(fs, () ->
                    Files.write(backing.resolve("f"), new byte[MiB], java.nio.file.StandardOpenOption.APPEND));
            assertTrue(r.err().contains("WARN s/f: file changed as we read it: size " + 3 * MiB + " became " + 4 * MiB), r.err());
            assertEquals(3 * MiB, Files.size(tmp.resolve("copy/s/f")), "copied with the size the scan saw");
        }
    }

    @Test void t03_inARescueAFileThatChangedWhileReadIsUnverifiableAndNoCopyIsCheckedAgainstIt() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror/s"));
        Files.copy(backing.resolve("f"), mirror.resolve("f"));
        Files.setLastModifiedTime(mirror.resolve("f"), FileTime.fromMillis(1_700_000_000_000L));
        try (FaultFs fs = FaultFs.mount(tmp.resolve("drive"), tmp, false)) {
            fs.add(Fault.on(Op.READ).path("s/f").bytes(2 * MiB, 2 * MiB + 4096).eio());
            CliTestSupport.Result r = migrateChangingIt(fs,
                    () -> Files.setLastModifiedTime(backing.resolve("f"), FileTime.fromMillis(1_800_000_000_000L)),
                    "--alternate", "mirror=" + tmp.resolve("mirror"));
            assertEquals(3, r.code(), r.err());
            assertTrue(r.err().contains("file changed as we read it"), r.err());
            String json = Files.readString(tmp.resolve("r.json"), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"unverifiableInodes\":1"), json);
            assertFalse(json.contains("\"verdict\":\"accepted\""), "no copy accepted against bytes that moved: " + json);
        }
    }
}
