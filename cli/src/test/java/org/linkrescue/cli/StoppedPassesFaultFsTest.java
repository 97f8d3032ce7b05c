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
 *
 * <p>Also with kill -9 in passes 2, 3 and 4 (t06-t08), and a stop while pass 4 compares a
 * 16 MiB candidate (t05; a third damaged file, BIG, whose mirror copy is read slowly). Before:
 * the comparison read the whole candidate before it looked at the stop (8.2 s after SIGTERM);
 * pass 4 wrote no checkpoint, so a kill there spliced every inode again; a file the later
 * passes were writing when killed kept the time of that write as its mtime after the resume.
 * And an `archive` stopped in pass 2 (t09): its resumed archive held every entry after the
 * first damaged file twice. Then (t09, and `migrate --archive-copy`, t10): the resumed archive
 * began inside d's directory and did not write it again after the held entries, so GNU tar left
 * that directory (s1/a) with the extraction's time as its mtime; bsdtar and our extract, which
 * set every directory's times at the end, were right already.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoppedPassesFaultFsTest {
    static final int MiB = 1 << 20;
    static final String D = "src/s1/a/d.bin", E = "src/s2/z/e.bin", MIRRORED = "mirror/s1/a/d.bin";
    /** Healthy but for the tests that make its first block bad: its splice compares 16 MiB of the mirror. */
    static final String BIG = "src/s1/b/big.bin", MIRRORED_BIG = "mirror/s1/b/big.bin";
    Path work;
    /** In memory: the targets of the kill tests, whose checkpoints must not wait on a shared disk's syncfs. */
    Path mem;
    FaultFs fs;
    Path src, mirror;
    TreeListing want;
    Map<Long, String> wantDamaged, wantErrors, lastErrors;
    long wantBytesD, wantBytesE;

    @BeforeAll void aFuseDriveWithTwoDamagedFilesAndAMirror() throws Exception {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
        work = CliTestSupport.scratch();
        mem = CliTestSupport.scratchInMemory();
        Path backing = work.resolve("drive");
        byte[] d = FailingDrive.pattern("d", 2 * MiB), e = FailingDrive.pattern("e", 2 * MiB + 123);
        CliTestSupport.writeFile(backing.resolve(D), d, 1_700_000_000L, 5);
        CliTestSupport.writeFile(backing.resolve(MIRRORED), d, 1_700_000_000L, 5);
        byte[] big = FailingDrive.pattern("big", 16 * MiB);
        CliTestSupport.writeFile(backing.resolve(BIG), big, 1_700_000_050L, 9);
        CliTestSupport.writeFile(backing.resolve(MIRRORED_BIG), big, 1_700_000_050L, 9);
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
        CliTestSupport.remove(mem);
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
        assertTrue(mapSays(target, " pass=" + pass + " "), name + ": the map says the pass it stopped in: " + lastStatus(target));
        long stoppedD = fs.bytesRead(D), stoppedE = fs.bytesRead(E);
        badBlocks(0);
        resumeGives(name, target, report, want, wantDamaged);
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

    // ---- a stop and a kill while the splice compares a large candidate; kills in passes 2 to 4 ----

    /** An uninterrupted run with BIG damaged too (its first block, which the mirror holds): taken once, for the tests that damage it. */
    TreeListing wantBig;
    Map<Long, String> wantBigDamaged;

    /** BIG's first block fails at every read. */
    void bigBad() throws Exception { fs.add(Fault.on(Op.READ).path(BIG).bytes(0, 4096).eio()); }

    void uninterruptedWithBigDamaged() throws Exception {
        if (wantBig != null) return;
        badBlocks(0);
        bigBad();
        Path target = work.resolve("uninterrupted-big"), report = work.resolve("uninterrupted-big.json");
        CliTestSupport.Result r = CliTestSupport.run(migrate(target, report).toArray(String[]::new));
        assertEquals(3, r.code(), r.err());
        wantBig = TreeListing.ofIncludingRoot(target);
        wantBigDamaged = KilledRescueFailingDriveTest.damaged(report);
        assertEquals(3, wantBigDamaged.size(), wantBigDamaged.toString());
        String big = wantBigDamaged.get(ino(BIG));
        assertTrue(big.contains("verdict=accepted") && !big.contains("verdict=rejected"), "BIG is spliced from the mirror: " + big);
    }

    long ino(String rel) throws Exception { return (Long) Files.getAttribute(fs.root().resolve(rel), "unix:ino"); }

    /** The map's lines (its last status, its damaged records), as a stopped or killed run left them. */
    static List<String> mapLines(Path target) throws Exception {
        Path map = target.resolve(".linkrescue-map");
        return Files.exists(map) ? Files.readAllLines(map, StandardCharsets.ISO_8859_1) : List.of();
    }

    static boolean mapHasDamaged(Path target, long ino) throws Exception {
        return mapLines(target).stream().anyMatch(l -> l.startsWith("damaged ") && l.split(" ")[2].equals(Long.toString(ino)));
    }

    /** The resume of a stopped or killed run: the tree and report of the uninterrupted run with BIG damaged, each damaged inode once. */
    void resumeGivesTheUninterruptedRunWithBigDamaged(String name, Path target, Path report) throws Exception {
        badBlocks(0);
        bigBad();
        resumeGives(name, target, report, wantBig, wantBigDamaged);
    }

    /** --resume into target (the drive's rules set): it completes with tree and damaged, each damaged inode once, as an uninterrupted run. */
    void resumeGives(String name, Path target, Path report, TreeListing tree, Map<Long, String> damaged) throws Exception {
        CliTestSupport.Result r = CliTestSupport.run(migrate(target, report, "--resume").toArray(String[]::new));
        assertEquals(3, r.code(), name + ": " + r.err());
        assertFalse(Files.exists(target.resolve(".linkrescue-map")), "a complete target holds no map");
        assertEquals(List.of(), tree.diff(TreeListing.ofIncludingRoot(target)), name);
        assertEquals(damaged, KilledRescueFailingDriveTest.damaged(report), name + ": each damaged inode once, as the uninterrupted run found it");
    }

    @Test void t05_sigtermWhileThe16MiBCandidateIsCompared_stopsAtItsNextChunk_noVerdictKept_resumeSplicesIt() throws Exception {
        uninterruptedWithBigDamaged();
        Path target = mem.resolve("big-stopped"), report = mem.resolve("big-stopped.json");
        badBlocks(0);
        bigBad();
        // Each read of the mirror's copy (128 KiB through FUSE) takes 50 ms: 6.4 s for the whole 16 MiB, 0.4 s a 1 MiB chunk.
        fs.add(Fault.on(Op.READ).path(MIRRORED_BIG).stall(Duration.ofMillis(50)));
        long took;
        try (LiveChild run = LiveChild.start(work.resolve("logs"), migrate(target, report).toArray(String[]::new))) {
            assertTrue(run.awaitWhileRunning(() -> count(Op.READ, MIRRORED_BIG) >= 12, Duration.ofSeconds(60)),
                    "the comparison of BIG's candidate began: " + run.err());
            run.signal("TERM");
            long signalled = run.elapsedMillis();
            assertEquals(143, run.waitFor(Duration.ofSeconds(30)), run.err());
            took = run.elapsedMillis() - signalled;
        }
        long mirrorReads = count(Op.READ, MIRRORED_BIG);
        System.out.println("StoppedPassesFaultFsTest big-stopped: exited " + took + " ms after SIGTERM, " + mirrorReads
                + " of the candidate's 128 reads made");
        assertTrue(took < 1500, "exited " + took + " ms after SIGTERM (the comparison's next 1 MiB chunk is 0.4 s away at most)");
        assertTrue(mirrorReads < 100, "the candidate was not read to its end: " + mirrorReads + " reads");
        assertTrue(Files.readString(report).contains("\"outcome\":\"interrupted\""));
        assertFalse(KilledRescueFailingDriveTest.damaged(report).containsKey(ino(BIG)), "a stop is no verdict: BIG is not in the stopped run's report");
        assertFalse(mapHasDamaged(target, ino(BIG)), "nor in its map (a rejection there would stand on resume)");
        assertTrue(mapSays(target, " pass=4 "), "the map says the pass it stopped in: " + lastStatus(target));
        resumeGivesTheUninterruptedRunWithBigDamaged("big-stopped", target, report);
    }

    long count(Op op, String path) {
        try {
            return fs.count(op, path);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Starts a migrate that holds a read by the rule held, waits for ready (the map says the
     * point the test kills at is recorded), sends kill -9, then lets the read go (a process in a
     * held FUSE read cannot end before it returns). Returns the bytes of d and e the run read.
     */
    long[] killWhileHeld(Path target, Path report, FaultFs.Rule held, java.util.function.BooleanSupplier ready) throws Exception {
        try (LiveChild run = LiveChild.start(work.resolve("logs"), migrate(target, report).toArray(String[]::new))) {
            try {
                fs.awaitStalled(1, 60_000);
                assertTrue(run.awaitWhileRunning(ready, Duration.ofSeconds(20)), "the map never recorded the point: " + mapLines(target));
                run.signal("KILL");
            } finally {
                fs.release(held);
            }
            assertEquals(137, run.waitFor(Duration.ofSeconds(30)), run.err());
        }
        return new long[] {fs.bytesRead(D), fs.bytesRead(E)};
    }

    /** Whether the map's last status line says what (" pass=2 "). */
    static boolean mapSays(Path target, String what) { return lastStatus(target).contains(what); }

    static String lastStatus(Path target) {
        try {
            return mapLines(target).stream().filter(l -> l.startsWith("status ")).reduce((a, b) -> b).orElse("");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * kill -9 while e's read in pass (2: trim, 3: retry) is held, once the map has what the
     * pass did to d (d's last read in it is slowed by 0.3 s, so a checkpoint is due as d's pass
     * ends): the resume gives the uninterrupted run's tree and report, and reads again only
     * what e's pass read since the last checkpoint.
     */
    void killedInPass(int pass) throws Exception {
        String name = "killed-pass" + pass;
        Path target = mem.resolve(name), report = mem.resolve(name + ".json");
        fs.clear();
        fs.resetCounts();
        if (pass == 2) {
            fs.add(Fault.on(Op.READ).path(D).bytes(0, 4096).eio());
            fs.add(Fault.on(Op.READ).path(D).bytes(4096, 8192).stall(Duration.ofMillis(300)).times(1)); // the trim's last read
        } else {
            fs.add(Fault.on(Op.READ).path(D).bytes(0, 4096).eio().times(pass - 1));
            fs.add(Fault.on(Op.READ).path(D).bytes(0, 4096).stall(Duration.ofMillis(300)).eio().times(1)); // the retry
            fs.add(Fault.on(Op.READ).path(D).bytes(0, 4096).eio());
        }
        fs.add(Fault.on(Op.READ).path(E).bytes(0, 4096).eio().times(pass - 1));
        FaultFs.Rule held = fs.add(Fault.on(Op.READ).path(E).bytes(0, 4096).stallUntilReleased().eio().times(1));
        fs.add(Fault.on(Op.READ).path(E).bytes(0, 4096).eio());
        long dIno = ino(D);
        long[] killed = killWhileHeld(target, report, held, () -> {
            if (!mapSays(target, " pass=" + pass + " ")) return false;
            String blocks = lastBlocks(target, dIno); // pass 2 leaves no range of d untried or untrimmed
            return pass != 2 || blocks != null && !blocks.matches(".*:[?*/].*");
        });
        badBlocks(0);
        resumeGives(name, target, report, want, wantDamaged);
        long againD = killed[0] + fs.bytesRead(D) - wantBytesD, againE = killed[1] + fs.bytesRead(E) - wantBytesE;
        System.out.println("StoppedPassesFaultFsTest " + name + ": bytes read again d=" + againD + " e=" + againE);
        assertEquals(0, againD, name + ": bytes of d read again (its pass was in the map)");
        // e's reads in this pass before the held one came after the last checkpoint: a kill loses them (pass 2: 64 KiB untried).
        assertTrue(againE <= (pass == 2 ? 65536 : 0), name + ": bytes of e read again: " + againE);
    }

    /** The last `blocks` record of an inode in the map (its ranges' ddrescue states), or null. */
    String lastBlocks(Path target, long ino) {
        try {
            return mapLines(target).stream().filter(l -> l.startsWith("blocks ") && l.split(" ")[2].equals(Long.toString(ino)))
                    .reduce((a, b) -> b).orElse(null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test void t06_killedInPass2_resumeGivesTheSameTreeAndReport() throws Exception { killedInPass(2); }

    @Test void t07_killedInPass3_resumeGivesTheSameTreeAndReport() throws Exception { killedInPass(3); }

    @Test void t08_killedInPass4WhileA16MiBCandidateIsCompared_theInodeSplicedBeforeIsNotSplicedAgain() throws Exception {
        uninterruptedWithBigDamaged();
        String name = "killed-pass4";
        Path target = mem.resolve(name), report = mem.resolve(name + ".json");
        badBlocks(0);
        bigBad();
        fs.add(Fault.on(Op.READ).path(MIRRORED_BIG).stall(Duration.ofMillis(50)));
        long dIno = ino(D);
        try (LiveChild run = LiveChild.start(work.resolve("logs"), migrate(target, report).toArray(String[]::new))) {
            // d (met first) is settled, its record in the map, while BIG's candidate is still being compared.
            assertTrue(run.awaitWhileRunning(() -> {
                try {
                    return mapHasDamaged(target, dIno);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, Duration.ofSeconds(60)), "d's record never reached the map while BIG's candidate was compared: " + run.err());
            assertTrue(count(Op.READ, MIRRORED_BIG) < 100, "killed before the comparison ends");
            run.signal("KILL");
            assertEquals(137, run.waitFor(Duration.ofSeconds(30)), run.err());
        }
        long mirroredD = fs.bytesRead(MIRRORED), driveD = fs.bytesRead(D), driveE = fs.bytesRead(E);
        fs.resetCounts();
        resumeGivesTheUninterruptedRunWithBigDamaged(name, target, report);
        System.out.println("StoppedPassesFaultFsTest " + name + ": resume read d's candidate " + fs.bytesRead(MIRRORED) + " bytes (killed run: "
                + mirroredD + "), d " + fs.bytesRead(D) + ", e " + fs.bytesRead(E) + " (killed run: " + driveD + ", " + driveE + ")");
        assertEquals(0, fs.bytesRead(MIRRORED), "d was spliced before the last checkpoint: its candidate is not read again");
        assertEquals(0, fs.bytesRead(D) + fs.bytesRead(E), "the drive's damaged files are not read again");
    }

    // ---- archive: a held damaged file, a stop in pass 2, a resume ----

    List<String> archive(Path file, Path report, String... more) {
        List<String> a = new ArrayList<>(List.of("archive", src.toString(), "-f", file.toString(), "-q", "--alternate", "mirror=" + mirror,
                "--report", report.toString(), "--map-interval", "0.2"));
        a.addAll(List.of(more));
        return a;
    }

    /** The names of the entries of a tar, in order, as GNU tar lists them. */
    static List<String> tarNames(Path tar) {
        return new String(org.linkrescue.testdata.Commands.run(null, "tar", "--warning=no-unknown-keyword", "-tf", tar.toString()),
                StandardCharsets.ISO_8859_1).lines().toList();
    }

    /** Starts args (a run over the drive), sends SIGTERM while its pass 2 read of d is held (d held back in its archive), lets the read go. */
    void stoppedInPass2(List<String> args) throws Exception {
        FaultFs.Rule held = badBlocks(2);
        try (LiveChild run = LiveChild.start(work.resolve("logs"), args.toArray(String[]::new))) {
            try {
                fs.awaitStalled(1, 60_000);
                run.signal("TERM");
            } finally {
                fs.release(held);
            }
            assertEquals(143, run.waitFor(Duration.ofSeconds(30)), run.err());
        }
        badBlocks(0);
    }

    @Test void t09_archiveStoppedInPass2_theResumedArchiveHoldsEachFileOnce_andExtractsToTheUninterruptedOnesTree() throws Exception {
        // d is held back (written at the end, after its passes); everything after it in the stream is written at once, but
        // complete only up to d. Before, the map's cut point was the file's end: the resumed archive held every entry
        // after d twice.
        Path whole = mem.resolve("whole.tar"), stopped = mem.resolve("stopped.tar"), report = mem.resolve("stopped-tar.json");
        badBlocks(0);
        CliTestSupport.Result w = CliTestSupport.run(archive(whole, mem.resolve("whole-tar.json")).toArray(String[]::new));
        assertEquals(3, w.code(), w.err());
        stoppedInPass2(archive(stopped, report));
        CliTestSupport.Result r = CliTestSupport.run(archive(stopped, report, "--resume").toArray(String[]::new));
        assertEquals(3, r.code(), r.err());
        List<String> files = tarNames(stopped).stream().filter(n -> !n.endsWith("/")).toList();
        assertEquals(files.stream().distinct().toList(), files, "each file and link once");
        assertEquals(tarNames(whole).stream().filter(n -> !n.endsWith("/")).sorted().toList(), files.stream().sorted().toList());
        assertEquals(KilledRescueFailingDriveTest.damaged(mem.resolve("whole-tar.json")), KilledRescueFailingDriveTest.damaged(report),
                "each damaged inode once");
        extractsAsTheUninterruptedOne(whole, stopped, "archive");
    }

    @Test void t10_archiveCopyStoppedInPass2_theResumedCopyExtractsToTheUninterruptedOnesTree_directoryTimesToo() throws Exception {
        Path wholeTree = mem.resolve("copy-whole"), whole = mem.resolve("copy-whole.tar");
        badBlocks(0);
        CliTestSupport.Result w = CliTestSupport.run(migrate(wholeTree, mem.resolve("copy-whole.json"), "--archive-copy", whole.toString())
                .toArray(String[]::new));
        assertEquals(3, w.code(), w.err());
        Path target = mem.resolve("copy-stopped"), copy = mem.resolve("copy-stopped.tar"), report = mem.resolve("copy-stopped.json");
        stoppedInPass2(migrate(target, report, "--archive-copy", copy.toString()));
        CliTestSupport.Result r = CliTestSupport.run(migrate(target, report, "--archive-copy", copy.toString(), "--resume")
                .toArray(String[]::new));
        assertEquals(3, r.code(), r.err());
        assertEquals(List.of(), want.diff(TreeListing.ofIncludingRoot(target)), "the tree");
        extractsAsTheUninterruptedOne(whole, copy, "archive-copy");
    }

    /**
     * The resumed archive extracts, with GNU tar, bsdtar and our extract each, to what that
     * extractor makes of the uninterrupted run's archive: every path, link and byte, and every
     * directory's mtime to the nanosecond. Those of d's and e's directories (and of their links')
     * are set by the entries written again after the held ones: before, the resumed archive
     * began inside d's directory and did not write it again, so its mtime was the extraction's.
     */
    void extractsAsTheUninterruptedOne(Path whole, Path resumed, String name) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (String how : List.of("gnu", "bsd", "ours")) {
            Path a = Files.createDirectories(mem.resolve(name + "-x-whole-" + how)), b = Files.createDirectories(mem.resolve(name + "-x-resumed-" + how));
            extract(how, whole, a);
            extract(how, resumed, b);
            // bsdtar never sets the times of "." (of GNU tar's archives neither): both roots have the extraction's.
            TreeListing x = how.equals("bsd") ? TreeListing.of(a) : TreeListing.ofIncludingRoot(a);
            for (String d : x.diff(how.equals("bsd") ? TreeListing.of(b) : TreeListing.ofIncludingRoot(b))) wrong.add(how + ": " + d);
            CliTestSupport.remove(a);
            CliTestSupport.remove(b);
        }
        System.out.println("StoppedPassesFaultFsTest " + name + " resumed, extracted: " + (wrong.isEmpty() ? "as the uninterrupted one" : wrong));
        assertEquals(List.of(), wrong, name + ": the resumed archive's extraction against the uninterrupted one's, by extractor");
    }

    static void extract(String how, Path tar, Path into) throws Exception {
        switch (how) {
            case "gnu" -> CliTestSupport.sh(into, "tar", "--warning=no-unknown-keyword", "-xpf", tar.toString());
            case "bsd" -> CliTestSupport.sh(into, "bsdtar", "-xpf", tar.toString());
            default -> {
                CliTestSupport.Result r = CliTestSupport.run("extract", "-f", tar.toString(), "-C", into.toString(), "-q");
                assertTrue(r.code() == 0 || r.code() == 3, "extract " + tar + ": " + r.code() + " " + r.err()); // 3: e's damage
            }
        }
    }
}
