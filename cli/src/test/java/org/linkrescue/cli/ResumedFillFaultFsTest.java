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
 * And a directory the stopped run was inside that the drive cannot list on resume (t05, t07):
 * the resumed run reported it failed and made nothing more of it; now the rest of it is filled
 * from the mirror, as a first run fills a directory it cannot list.
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
        stoppedAndResumed(name, slow, point, signal, exit, within, dir.resolve(name), dir.resolve(name + ".json"), true);
    }

    /**
     * As above, into target (a stopped run's is resumed: the child runs with --resume); the end
     * is compared with the uninterrupted run's only when asUninterrupted (else by the caller).
     */
    void stoppedAndResumed(String name, Fault slow, StopPoint point, String signal, int exit, Duration within, Path target,
                                   Path report, boolean asUninterrupted) throws Exception {
        List<String> args = migrate(target, report);
        if (Files.exists(target.resolve(".linkrescue-map"))) args.add("--resume");
        FaultFs.Rule held = fs.add(slow);
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), args.toArray(String[]::new))) {
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
        System.out.println("ResumedFillFaultFsTest: " + name + " resumes after " + lastDone(target));
        CliTestSupport.Result r = CliTestSupport.run(migrate(target, report, "--resume").toArray(String[]::new));
        assertEquals(wantCode, r.code(), r.err());
        if (!asUninterrupted) return;
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

    @Test void t05_sigtermInsideADirectory_thatTheDriveCannotListOnResume_theRestOfItIsFilledFromTheMirror() throws Exception {
        // Before, the resumed run reported snap1/docs failed and made nothing more of it: f200 to f399 were missing.
        Path target = dir.resolve("unlisted-on-resume"), report = dir.resolve("unlisted-on-resume.json");
        String last = stoppedInsideSnap1Docs(target, report);
        FaultFs.Rule unlisted = fs.add(Fault.on(Op.READDIR).path("snap1/docs").eio());
        try {
            CliTestSupport.Result r = CliTestSupport.run(migrate(target, report, "--resume").toArray(String[]::new));
            assertEquals(wantCode, r.code(), r.err());
        } finally {
            fs.remove(unlisted);
        }
        theRestOfSnap1DocsIsFilled(target, report, last);
    }

    @Test void t07_killedInsideTheFillOfTheRest_theNextResumeMakesItAgainWhole() throws Exception {
        Path target = dir.resolve("unlisted-killed"), report = dir.resolve("unlisted-killed.json");
        String last = stoppedInsideSnap1Docs(target, report);
        FaultFs.Rule unlisted = fs.add(Fault.on(Op.READDIR).path("snap1/docs").eio());
        try {
            // Each copy snap1/docs/fNNN is checked against snap2/docs/fNNN on the drive: 100 of those reads slowed to 20 ms.
            stoppedAndResumed("unlisted-killed", Fault.on(Op.READ).glob("snap2/docs/f3*").stall(Duration.ofMillis(20)), t -> {
                for (long end = System.nanoTime() + 60_000_000_000L; !Files.exists(t.resolve("snap1/docs/f310")) && System.nanoTime() < end; ) {
                    Thread.sleep(5);
                }
                Thread.sleep(600); // checkpoints every 0.2 s, each as an entry of the fill comes
            }, "KILL", 137, Duration.ofSeconds(30), target, report, false);
        } finally {
            fs.remove(unlisted);
        }
        theRestOfSnap1DocsIsFilled(target, report, last);
    }

    /** A migrate to target stopped by SIGTERM inside snap1/docs (a read of f200 held); returns the last entry it finished. */
    String stoppedInsideSnap1Docs(Path target, Path report) throws Exception {
        FaultFs.Rule held = fs.add(Fault.on(Op.READ).path("snap1/docs/f200").stall(Duration.ofSeconds(3)).times(1));
        try (LiveChild run = LiveChild.start(dir.resolve("logs"), migrate(target, report).toArray(String[]::new))) {
            held().await(target);
            run.signal("TERM");
            assertEquals(143, run.waitFor(Duration.ofSeconds(30)), run.err());
        } finally {
            fs.remove(held);
        }
        String last = lastDone(target);
        assertTrue(last.startsWith("snap1/docs/f"), "the stopped run's last entry is inside snap1/docs: " + last);
        return last;
    }

    /**
     * The resumed run (which could not list snap1/docs) ends with the uninterrupted run's tree:
     * the rest of snap1/docs, after last, filled from the mirror's copy and each file proven to be
     * the drive's inode (its snap2 path); its report names snap1/docs once, with that rest.
     */
    void theRestOfSnap1DocsIsFilled(Path target, Path report, String last) throws Exception {
        assertEquals(List.of(), want.diff(TreeListing.ofIncludingRoot(target)), "the tree of an uninterrupted run");
        Map<String, Object> got = json(report);
        assertEquals(wantReport.get("exitCode"), got.get("exitCode"));
        long rest = 399 - Long.parseLong(last.substring("snap1/docs/f".length()));
        Map<String, Object> docs = unreadable(got, "snap1/docs");
        assertEquals(List.of(rest, rest, 0L), List.of(docs.get("pathsFilled"), docs.get("pathsVerified"), docs.get("pathsUnverified")),
                "the rest of snap1/docs, after " + last + ", filled and verified: " + docs);
        List<?> w = (List<?>) rescue(wantReport).get("unreadable"), g = (List<?>) rescue(got).get("unreadable");
        assertEquals(w.size() + 1, g.size(), "the uninterrupted run's unreadable directories and snap1/docs, each once: " + g);
        List<String> more = new ArrayList<>(problems(got));
        for (String p : problems(wantReport)) assertTrue(more.remove(p), "the uninterrupted run's problem, once: " + p);
        assertEquals(2, more.size(), "snap1/docs: cannot be read, filled from the mirror: " + more);
        assertTrue(more.stream().allMatch(p -> p.contains("snap1/docs")), more.toString());
    }

    @Test void t06_sigtermRightAfterAFill_theResumeStartsInsideTheFilledDirectory_andFillsNothingTwice() throws Exception {
        // snap2/lost is filled (with nothing: no copy has it); the listing of snap2/solo after it is held, so the stop's
        // last entry is the fill's last. The resumed walk starts inside snap2/lost, which the drive still cannot list.
        stoppedAndResumed("after-fill", Fault.on(Op.READDIR).path("snap2/solo").stall(Duration.ofSeconds(3)).times(1), t -> {
            fs.awaitStalled(1, 60_000);
            for (long end = System.nanoTime() + 10_000_000_000L; !Files.exists(t.resolve("snap2/lost")) && System.nanoTime() < end; ) {
                Thread.sleep(5);
            }
            Thread.sleep(300);
        }, "TERM", 143);
    }

    /** The last entry a stopped run's map records as done. */
    static String lastDone(Path target) throws Exception {
        String status = Files.readAllLines(target.resolve(".linkrescue-map"), StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.startsWith("status ")).reduce((a, b) -> b).orElseThrow();
        return status.substring(status.indexOf(" last=") + 6);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> unreadable(Map<String, Object> report, String path) {
        for (Map<String, Object> u : (List<Map<String, Object>>) rescue(report).get("unreadable")) if (path.equals(u.get("path"))) return u;
        throw new AssertionError(path + " is not in " + rescue(report).get("unreadable"));
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
