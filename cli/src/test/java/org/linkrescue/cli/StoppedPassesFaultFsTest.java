package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.linkrescue.migrate.stream.JsonReader;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.FailingDriveFiles;
import org.linkrescue.testdata.Fault;
import org.linkrescue.testdata.FaultFs;
import org.linkrescue.testdata.FaultFs.Op;
import org.linkrescue.testdata.TreeListing;

/**
 * A rescue in passes stopped in its later passes, and a first fast `--passes copy`, each
 * finished by `--resume` (issue 16: "the map records each pass's state, so a stop at any pass
 * resumes at that pass"), with real signals to a real child process. The drive is a FUSE one
 * (FaultFs, direct_io) that counts every read and byte it serves: two damaged files, each bad in
 * its first block and linked into a second snapshot (one under another name); a mirror on the
 * same drive has a good copy of one. A stall that the test holds and lets go keeps the run inside
 * the pass it is to be stopped in while SIGTERM arrives.
 *
 * <p>Before: a stop after pass 1 resumed from the first damaged file and read every byte after
 * it again; a stop in passes 2-4 waited for the end of the pass; `--passes copy` removed its map,
 * so `--resume` had nothing to go on from. Now each resumed run gives the uninterrupted run's
 * tree and report (every damaged inode once), and no byte the stopped run read is read again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoppedPassesFaultFsTest {
    static final int MiB = 1 << 20;
    static final String D = "src/s1/a/d.bin", E = "src/s2/z/e.bin", MIRRORED = "mirror/s1/a/d.bin";
    Path work;
    FaultFs fs;
    Path src, mirror;
    TreeListing want;
    Map<Long, String> wantDamaged, wantErrors, lastErrors;
    long wantBytesD, wantBytesE;

    @BeforeAll void aFuseDriveWithTwoDamagedFilesAndAMirror() throws Exception {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
        work = CliTestSupport.scratch();
        Path backing = work.resolve("drive");
        byte[] d = FailingDrive.pattern("d", 2 * MiB), e = FailingDrive.pattern("e", 2 * MiB + 123);
        CliTestSupport.writeFile(backing.resolve(D), d, 1_700_000_000L, 5);
        CliTestSupport.writeFile(backing.resolve(MIRRORED), d, 1_700_000_000L, 5);
        // Healthy files between the two damaged ones: d is left pending (and so settled) first.
        for (int s = 1; s <= 2; s++)
            for (int i = 0; i < 30; i++)
                CliTestSupport.writeFile(backing.resolve(String.format("src/s%d/m/h%02d", s, i)), FailingDrive.pattern("h" + s + i, 40_000),
                        1_700_000_100L + i, 0);
        CliTestSupport.writeFile(backing.resolve(E), e, 1_700_000_200L, 7);
        Files.createDirectories(backing.resolve("src/s2/a"));
        Files.createLink(backing.resolve("src/s2/a/d.bin"), backing.resolve(D));
        Files.createDirectories(backing.resolve("src/s3/z")); // a later snapshot, another name: the first path stays e.bin
        Files.createLink(backing.resolve("src/s3/z/e-renamed.bin"), backing.resolve(E));
        fs = FaultFs.mount(backing, work, true);
        src = fs.root().resolve("src");
        mirror = fs.root().resolve("mirror");

        badBlocks(0);
        Path target = work.resolve("uninterrupted"), report = work.resolve("uninterrupted.json");
        CliTestSupport.Result r = CliTestSupport.run(migrate(target, report).toArray(String[]::new));
        assertEquals(3, r.code(), r.err()); // e has no copy: its first block is zeros
        want = TreeListing.ofIncludingRoot(target);
        wantDamaged = KilledRescueFailingDriveTest.damaged(report);
        wantErrors = errors(report);
        assertEquals(2, wantDamaged.size(), wantDamaged.toString());
        wantBytesD = fs.bytesRead(D);
        wantBytesE = fs.bytesRead(E);
    }

    @AfterAll void unmount() throws Exception {
        if (fs != null) fs.close();
        if (work != null) FailingDriveFiles.deleteTree(work);
    }

    /**
     * Every read of the first block of d and e fails; of d, the read number stallAt (1: pass 1's,
     * 2: pass 2's trim, 3: pass 3's retry) is held until the test lets it go (0: none). Counts
     * start again from zero.
     */
    FaultFs.Rule badBlocks(int stallAt) throws Exception {
        fs.clear();
        fs.resetCounts();
        FaultFs.Rule held = null;
        if (stallAt > 1) fs.add(Fault.on(Op.READ).path(D).bytes(0, 4096).eio().times(stallAt - 1));
        if (stallAt > 0) held = fs.add(Fault.on(Op.READ).path(D).bytes(0, 4096).stallUntilReleased().eio().times(1));
        fs.add(Fault.on(Op.READ).path(D).bytes(0, 4096).eio());
        fs.add(Fault.on(Op.READ).path(E).bytes(0, 4096).eio());
        return held;
    }

    /** Each damaged inode's errors (what its reads said), by inode number. */
    @SuppressWarnings("unchecked")
    static Map<Long, String> errors(Path report) throws Exception {
        Map<String, Object> json = (Map<String, Object>) JsonReader.parse(new StringReader(Files.readString(report, StandardCharsets.UTF_8)));
        Map<Long, String> out = new HashMap<>();
        for (Map<String, Object> d : (List<Map<String, Object>>) ((Map<String, Object>) json.get("rescue")).get("damaged"))
            out.put((Long) d.get("ino"), String.valueOf(d.get("errors")));
        return out;
    }

    List<String> migrate(Path target, Path report, String... more) {
        List<String> a = new ArrayList<>(List.of("migrate", src.toString(), target.toString(), "-q", "--alternate", "mirror=" + mirror,
                "--report", report.toString(), "--map-interval", "0.2"));
        a.addAll(List.of(more));
        return a;
    }

    /** What a stop cost, for the closing note: how long SIGTERM took to end the run, and what the resume read. */
    record Stopped(long signalToExitMillis, long releaseToExitMillis, long bytesReadAgainD, long bytesReadAgainE) {}

    /**
     * Starts a migrate that holds the read the rule holds, sends SIGTERM once it is held, lets
     * the read go half a second later; the run must exit 143 soon after. Then --resume: the tree
     * and report of the uninterrupted run, and no byte read twice over both runs.
     */
    Stopped stopWhileHeldThenResume(String name, FaultFs.Rule held, int pass) throws Exception {
        Path target = work.resolve(name), report = work.resolve(name + ".json");
        long signalled, released, exited;
        try (LiveChild run = LiveChild.start(work.resolve("logs"), migrate(target, report).toArray(String[]::new))) {
            try {
                fs.awaitStalled(1, 60_000);
                run.signal("TERM");
                signalled = run.elapsedMillis();
                Thread.sleep(500); // the read the drive holds: the stop waits for it, and for nothing more
                released = run.elapsedMillis();
            } finally {
                fs.release(held); // a process in a held FUSE read cannot even be killed
            }
            assertEquals(143, run.waitFor(Duration.ofSeconds(30)), run.err());
            exited = run.elapsedMillis();
            // (after the line of a damaged file settled before the stop, if any)
            assertTrue(run.err().lines().anyMatch(l -> l.startsWith("linkrescue: migrate stopped (SIGTERM) after ")), run.err());
        }
        assertTrue(exited - released < 1500, name + ": exited " + (exited - released) + " ms after the held read was let go");
        assertTrue(Files.readString(report).contains("\"outcome\":\"interrupted\""));
        String status = Files.readAllLines(target.resolve(".linkrescue-map")).stream().filter(l -> l.startsWith("status ")).reduce((a, b) -> b).orElse("");
        assertTrue(status.contains(" pass=" + pass + " "), name + ": the map says the pass it stopped in: " + status);
        long stoppedD = fs.bytesRead(D), stoppedE = fs.bytesRead(E);
        badBlocks(0);
        CliTestSupport.Result r = CliTestSupport.run(migrate(target, report, "--resume").toArray(String[]::new));
        assertEquals(3, r.code(), name + ": " + r.err());
        assertFalse(Files.exists(target.resolve(".linkrescue-map")), "a complete target holds no map");
        assertEquals(List.of(), want.diff(TreeListing.ofIncludingRoot(target)), name);
        assertEquals(wantDamaged, KilledRescueFailingDriveTest.damaged(report), name + ": each damaged inode once, as the uninterrupted run found it");
        // A stop in pass 3 resumes with every retry round: the bad block under way is read once more (counted).
        if (pass != 3) assertEquals(wantErrors, errors(report), name + ": what the reads said, counted over both runs");
        lastErrors = errors(report);
        Stopped s = new Stopped(exited - signalled, exited - released, stoppedD + fs.bytesRead(D) - wantBytesD,
                stoppedE + fs.bytesRead(E) - wantBytesE);
        System.out.println("StoppedPassesFaultFsTest " + name + ": " + s);
        return s;
    }

    @Test void t01_sigtermWhileAPass2ReadIsHeld_stopsAtThatRead_resumeGoesOnInPass2_noByteReadTwice() throws Exception {
        Stopped s = stopWhileHeldThenResume("pass2", badBlocks(2), 2);
        assertEquals(0, s.bytesReadAgainD(), "bytes of d read again: " + s);
        assertEquals(0, s.bytesReadAgainE(), "bytes of e read again: " + s);
    }

    @Test void t02_sigtermWhileAPass3RetryIsHeld_resumeGoesOnFromTheRetries() throws Exception {
        Stopped s = stopWhileHeldThenResume("pass3", badBlocks(3), 3);
        assertTrue(lastErrors.values().stream().anyMatch(e -> e.contains("(3 failed reads)")),
                "the retry of d's bad block in flight at the stop is read again, and counted: " + lastErrors);
        assertEquals(0, s.bytesReadAgainD(), "bytes of d read again: " + s);
        assertEquals(0, s.bytesReadAgainE(), "bytes of e read again: " + s);
    }

    @Test void t03_sigtermWhileThePass4SpliceReadsTheMirror_theSplicedInodeStaysSettled_resumeSplicesTheRest() throws Exception {
        badBlocks(0);
        FaultFs.Rule held = fs.add(Fault.on(Op.READ).path(MIRRORED).stallUntilReleased().times(1));
        Stopped s = stopWhileHeldThenResume("pass4", held, 4);
        assertEquals(0, s.bytesReadAgainD(), "bytes of d read again: " + s);
        assertEquals(0, s.bytesReadAgainE(), "bytes of e read again: " + s);
    }

    @Test void t04_passesCopyKeepsItsMap_andResumeRunsTheLaterPasses() throws Exception {
        Path target = work.resolve("copy"), report = work.resolve("copy.json");
        badBlocks(0);
        CliTestSupport.Result first = CliTestSupport.run(migrate(target, report, "--passes", "copy").toArray(String[]::new));
        assertEquals(3, first.code(), first.err());
        assertTrue(Files.exists(target.resolve(".linkrescue-map")), "the map stays for the later passes: " + first.err());
        String resume = String.join(" ", migrate(target, report)).replace("linkrescue ", "") + " --resume";
        assertTrue(first.err().contains("run every pass on them with: linkrescue " + resume), first.err());
        long copyD = fs.bytesRead(D), copyE = fs.bytesRead(E);
        badBlocks(0);
        CliTestSupport.Result r = CliTestSupport.run(migrate(target, report, "--resume").toArray(String[]::new));
        assertEquals(3, r.code(), r.err());
        assertFalse(Files.exists(target.resolve(".linkrescue-map")), "a complete target holds no map");
        assertEquals(List.of(), want.diff(TreeListing.ofIncludingRoot(target)));
        assertEquals(wantDamaged, KilledRescueFailingDriveTest.damaged(report), "each damaged inode once, settled by the resume");
        assertEquals(wantErrors, errors(report), "what the reads said, counted over both runs");
        assertEquals(wantBytesD, copyD + fs.bytesRead(D), "d: pass 1's bytes are not read again");
        assertEquals(wantBytesE, copyE + fs.bytesRead(E), "e: pass 1's bytes are not read again");
    }
}
