package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.testdata.Commands;
import org.linkrescue.testdata.Fault;
import org.linkrescue.testdata.FaultFs;
import org.linkrescue.testdata.FaultFs.Op;

/**
 * The scan's metadata calls are timed like data reads: a directory listing, an lstat, a
 * readlink or an xattr call that stalls (for good, on a FUSE drive that holds the call until
 * the test ends) costs --read-timeout once, is reported, and the run goes on and ends. Each
 * stalled call is alone in its directory: the kernel holds every lookup in a FUSE directory
 * behind one in progress there (see FaultFs), so its neighbours would stall too.
 */
class StalledMetadataFaultFsTest {
    @TempDir Path tmp;
    Path drive;

    @BeforeEach void tree() throws Exception {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
        drive = tmp.resolve("drive");
        for (String snap : new String[] {"snap1", "snap2"}) {
            Files.createDirectories(drive.resolve(snap + "/stalled"));
            Files.writeString(drive.resolve(snap + "/stalled/in"), "in " + snap);
            Files.writeString(drive.resolve(snap + "/f"), "f " + snap);
            Files.createDirectories(drive.resolve(snap + "/lstat"));
            Files.writeString(drive.resolve(snap + "/lstat/g"), "g " + snap);
            Files.createDirectories(drive.resolve(snap + "/link"));
            Files.createSymbolicLink(drive.resolve(snap + "/link/l"), Path.of("../f"));
            Files.createDirectories(drive.resolve(snap + "/xattr"));
            Files.writeString(drive.resolve(snap + "/xattr/x"), "x " + snap);
            Commands.run(null, "setfattr", "-n", "user.k", "-v", "v", drive.resolve(snap + "/xattr/x").toString());
        }
    }

    /** migrate with --read-timeout 1 on a background thread; fails the test if it has not ended in 60 s. */
    private CliTestSupport.Result migrate(FaultFs fs) throws Exception {
        return CompletableFuture.supplyAsync(() -> CliTestSupport.run("migrate", fs.root().toString(), tmp.resolve("copy").toString(),
                "--read-timeout", "1")).get(60, TimeUnit.SECONDS);
    }

    @Test void t01_aStalledListingLstatReadlinkAndXattrCallEachCostTheTimeoutAndAreReported() throws Exception {
        try (FaultFs fs = FaultFs.mount(drive, tmp, false)) {
            fs.add(Fault.on(Op.READDIR).path("snap2/stalled").stallUntilReleased());
            fs.add(Fault.on(Op.GETATTR).path("snap1/lstat/g").stallUntilReleased());
            fs.add(Fault.on(Op.READLINK).path("snap2/link/l").stallUntilReleased());
            fs.add(Fault.on(Op.LISTXATTR).path("snap2/xattr/x").stallUntilReleased());
            long t0 = System.nanoTime();
            CliTestSupport.Result r = migrate(fs);
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(3, r.code(), r.err());
            assertTrue(r.err().contains("FAILED snap2/stalled: cannot read directory: getdents did not return within 1.0 s"), r.err());
            assertTrue(r.err().contains("FAILED snap1/lstat/g: lstat did not return within 1.0 s"), r.err());
            assertTrue(r.err().contains("FAILED snap2/link/l: readlink did not return within 1.0 s"), r.err());
            assertTrue(r.err().contains("WARN snap2/xattr/x: extended attributes not read: listxattr did not return within 1.0 s"), r.err());
            assertEquals(4, r.err().lines().filter(l -> l.contains("did not return")).count(), "nothing else: " + r.err());
            assertEquals("in snap1", Files.readString(tmp.resolve("copy/snap1/stalled/in")));
            assertEquals("g snap2", Files.readString(tmp.resolve("copy/snap2/lstat/g")));
            assertEquals("x snap2", Files.readString(tmp.resolve("copy/snap2/xattr/x")), "its data came through without its attributes");
            assertEquals("../f", Files.readSymbolicLink(tmp.resolve("copy/snap1/link/l")).toString());
            assertTrue(seconds < 4 + 10, "four stalls of about a second each, not a hang: " + seconds + " s");
            assertEquals(4, fs.stalled(), "the calls are still held in the kernel: given up, not waited for");
        }
    }
}
