package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.migrate.stream.JsonReader;
import org.linkrescue.testdata.Commands;
import org.linkrescue.testdata.Fault;
import org.linkrescue.testdata.FaultFs;
import org.linkrescue.testdata.FaultFs.Op;
import org.linkrescue.testdata.TreeListing;

/**
 * A migrate that met directories the drive cannot list (issue 14.5: one filled from the mirror,
 * one that no copy holds), stopped by a real signal to a real child process and resumed (issue
 * 15): the resumed run ends with the tree and the report of an uninterrupted run, every
 * unreadable directory in it exactly once, whichever run met it. Before, the map kept no record
 * of them: a resumed run's report left them out and exited 0; nor of the drive inode a fill
 * made the first path of (its entries were not even counted, so every later number was off): a
 * later link of it became a copy of its own. A stop inside a fill (while the copy of a file is
 * checked against the drive) left the map's last entry inside the directory that cannot be
 * listed, where a resumed scan cannot go on: the rest of the fill was lost.
 * On a FUSE drive (FaultFs) whose getdents fails with EIO and whose reads can be held.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResumedFillFaultFsTest {
    Path dir, drive, mirror;
    FaultFs fs;
    TreeListing want;
    Map<String, Object> wantReport;
    int wantCode;

    @BeforeAll void aDriveWithTwoUnlistableDirectories_andItsUninterruptedMigrate() throws Exception {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
        dir = CliTestSupport.scratch();
        drive = dir.resolve("drive");
        Path s1 = Files.createDirectories(drive.resolve("snap1/docs"));
        Files.writeString(s1.resolve("a"), "alpha, unchanged in every snapshot");
        Files.writeString(s1.resolve("b"), "beta, unchanged too");
        for (int i = 0; i < 400; i++) Files.writeString(s1.resolve(String.format("f%03d", i)), "file " + i); // a fill long enough to kill inside
        Files.createDirectories(drive.resolve("snap1/solo"));
        Files.writeString(drive.resolve("snap1/solo/s"), "solo file");
        Commands.run(drive, "cp", "-al", "snap1", "snap2");
        Files.delete(drive.resolve("snap2/docs/b"));
        Files.writeString(drive.resolve("snap2/docs/b"), "beta, changed in snap2 only"); // a new inode, linked in snap3
        Files.createDirectories(drive.resolve("snap2/docs/sub"));
        Files.writeString(drive.resolve("snap2/docs/sub/deep"), "deep");
        Files.writeString(drive.resolve("snap2/docs/c"), "gamma, in snap2 only");
        byte[] big = new byte[16 << 20];
        new java.util.Random(15).nextBytes(big);
        Files.write(drive.resolve("snap2/docs/big"), big); // a new inode, linked in snap3: its copy is checked against snap3's
        Files.createDirectories(drive.resolve("snap2/lost"));
        Files.writeString(drive.resolve("snap2/lost/x"), "in no copy");
        Commands.run(drive, "cp", "-al", "snap2", "snap3");
        Files.delete(drive.resolve("snap3/docs/c"));
        Files.writeString(drive.resolve("snap3/abc"), "new in snap3, read before its docs");
        try (var files = Files.walk(drive)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_000_000L));
        }
        mirror = dir.resolve("mirror");
        Commands.run(null, "cp", "-a", drive.toString(), mirror.toString());
        Commands.run(null, "rm", "-r", mirror.resolve("snap2/lost").toString(), mirror.resolve("snap3/lost").toString());

        fs = FaultFs.mount(drive, dir, false);
        fs.add(Fault.on(Op.READDIR).path("snap2/docs").eio());
        fs.add(Fault.on(Op.READDIR).path("snap2/lost").eio());
        Path target = dir.resolve("whole"), report = dir.resolve("whole.json");
        CliTestSupport.Result r = CliTestSupport.run(migrate(target, report).toArray(String[]::new));
        wantCode = r.code();
        assertEquals(3, wantCode, r.err());
        want = TreeListing.ofIncludingRoot(target);
        wantReport = json(report);
        assertEquals(2L, rescueTotals(wantReport).get("unreadableDirs"), "the fixture: two directories cannot be listed");
    }

    @AfterAll void unmount() throws Exception {
        if (fs != null) fs.close();
        CliTestSupport.remove(dir);
    }

    List<String> migrate(Path target, Path report, String... more) {
        List<String> a = new ArrayList<>(List.of("migrate", fs.root().toString(), target.toString(), "-q", "--alternate", "mirror=" + mirror,
                "--report", report.toString(), "--map-interval", "0.2"));
        a.addAll(List.of(more));
        return a;
    }

    /** Waits, while the child runs, for the point to stop it at. */
    interface StopPoint {
        void await(Path target) throws Exception;
    }

    /** When a read held by a stall (3 s) is met: the run waits in it, a signal stops it there. */
    StopPoint held() { return t -> fs.awaitStalled(1, 60_000); }

    /**
     * Starts a migrate to target in a child with slow, the fault that holds it where it is to
     * stop, waits for the point, stops the child with signal, resumes in this process, and
     * checks the end is the uninterrupted run's.
     */
    void stoppedAndResumed(String name, Fault slow, StopPoint point, String signal, int exit) throws Exception {
        stoppedAndResumed(name, slow, point, signal, exit, Duration.ofSeconds(30));
    }

    /** As above; the child must exit within the given time of the signal. */
    void stoppedAndResumed(String name, Fault slow, StopPoint point, String signal, int exit, Duration within) throws Exception {
        Path target = dir.resolve(name), report = dir.resolve(name + ".json");
        FaultFs.Rule held = fs.add(slow);
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), migrate(target, report).toArray(String[]::new))) {
            point.await(target);
            assertTrue(run.alive(), run.err());
            run.signal(signal);
            long signalled = run.elapsedMillis();
            assertEquals(exit, run.waitFor(Duration.ofSeconds(30)), run.err());
            long took = run.elapsedMillis() - signalled;
            assertTrue(took < within.toMillis(), "stopped " + took + " ms after the signal");
            System.out.println("ResumedFillFaultFsTest: " + name + " stopped " + took + " ms after SIG" + signal);
        } finally {
            fs.remove(held);
        }
        assertTrue(Files.exists(target.resolve(".linkrescue-map")), "a stopped run leaves its map");
        CliTestSupport.Result r = CliTestSupport.run(migrate(target, report, "--resume").toArray(String[]::new));
        assertEquals(wantCode, r.code(), r.err());
        assertEquals(List.of(), want.diff(TreeListing.ofIncludingRoot(target)), "the tree of an uninterrupted run");
        Map<String, Object> got = json(report);
        assertEquals(rescue(wantReport).get("unreadable"), rescue(got).get("unreadable"), "each unreadable directory once, as filled");
        for (String k : List.of("unreadableDirs", "unreadableNames", "pathsFilled", "pathsVerified", "pathsUnverified")) {
            assertEquals(rescueTotals(wantReport).get(k), rescueTotals(got).get(k), k);
        }
        assertEquals(problems(wantReport), problems(got), "each problem once");
        assertEquals(wantReport.get("exitCode"), got.get("exitCode"));
    }

    @Test void t01_sigtermAfterTheUnlistableDirectories_theResumedReportNamesEachOnce_andLaterLinksFindTheFilledInode() throws Exception {
        // Stopped before snap3/docs/b, a later link of the inode whose first path the fill made (snap2/docs/b).
        stoppedAndResumed("after", Fault.on(Op.READ).path("snap3/abc").stall(Duration.ofSeconds(3)).times(1), held(), "TERM", 143);
    }

    @Test void t02_killedInsideAFill_afterCheckpointsInIt_theResumeMakesTheWholeFillAgain() throws Exception {
        // Each copy snap2/docs/fNNN is checked against snap1/docs/fNNN on the drive: 100 of those reads slowed to 20 ms
        // hold the fill for 2 s, through several checkpoints, where it is killed.
        stoppedAndResumed("killed-in-fill", Fault.on(Op.READ).glob("snap1/docs/f2*").stall(Duration.ofMillis(20)), t -> {
            for (long end = System.nanoTime() + 60_000_000_000L; !Files.exists(t.resolve("snap2/docs/f210")) && System.nanoTime() < end; ) {
                Thread.sleep(5);
            }
            Thread.sleep(600); // checkpoints every 0.2 s, each as an entry of the fill comes
        }, "KILL", 137);
    }

    @Test void t03_sigtermInsideAFill_stopsAtItsNextEntry_andTheResumeMakesTheWholeFillAgain() throws Exception {
        // snap2/docs/b's copy is checked against snap3/docs/b, the drive's inode it is, byte for byte: that read is held.
        stoppedAndResumed("stopped-in-fill", Fault.on(Op.READ).path("snap3/docs/b").stall(Duration.ofSeconds(3)).times(1), held(),
                "TERM", 143);
    }

    @Test void t04_sigtermWhileALargeCopyIsCheckedAgainstTheDrive_stopsAtItsNextChunk_andTheResumeMakesTheWholeFillAgain() throws Exception {
        // snap2/docs/big's copy (16 MiB) is checked against snap3/docs/big on the drive, each read slowed to 100 ms: 7 s or
        // more for the whole file. A stop must not wait for the end of it: the next 1 MiB chunk (8 reads at most) is enough.
        stoppedAndResumed("stopped-in-big", Fault.on(Op.READ).path("snap3/docs/big").stall(Duration.ofMillis(100)), held(), "TERM", 143,
                Duration.ofMillis(2500));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(Path report) throws Exception {
        return (Map<String, Object>) JsonReader.parse(new StringReader(Files.readString(report, StandardCharsets.UTF_8)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> rescue(Map<String, Object> report) { return (Map<String, Object>) report.get("rescue"); }

    @SuppressWarnings("unchecked")
    static Map<String, Object> rescueTotals(Map<String, Object> report) { return (Map<String, Object>) rescue(report).get("totals"); }

    /** The report's problems as sorted lines: the same set, each as often. */
    @SuppressWarnings("unchecked")
    static List<String> problems(Map<String, Object> report) {
        List<String> out = new ArrayList<>();
        for (Object p : (List<Object>) report.get("problems")) out.add(p.toString());
        out.sort(null);
        return out;
    }
}
