package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.linkrescue.testdata.TreeListing;

/**
 * Ctrl-C and kill in the middle of a migrate, with real signals to a real child process (issue
 * 15). Before: SIGINT exited 130 with no word and no report, the target kept its paths under
 * their final names with nothing marking it incomplete, and running the command again said
 * "target is not empty". Now a signal stops the run at the next entry boundary within a second,
 * the rescue map gets its last checkpoint, the report says "interrupted", one line says what is
 * done and the command that resumes, and --resume completes the very tree an uninterrupted run
 * makes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InterruptTest {
    Path dir, src;
    TreeListing want;

    @BeforeAll void aFarmLargeEnoughToInterrupt() throws Exception {
        dir = CliTestSupport.scratchInMemory();
        src = LinkFarm.build(dir.resolve("src"), 12, 60, 80, 7); // ~58,000 paths, ~5,000 inodes
        want = TreeListing.of(src);
    }

    @AfterAll void remove() throws Exception { CliTestSupport.remove(dir); }

    /** Starts migrate src -> target in a child, waits until it is under way (snapshot s01 begun), signals it. */
    LiveChild interruptedMigrate(Path target, Path report, String signal, String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("migrate", src.toString(), target.toString(), "-q",
                "--report", report.toString(), "--map-interval", "1"));
        args.addAll(List.of(more));
        LiveChild run = LiveChild.start(dir.resolve("logs"), args.toArray(String[]::new));
        boolean midway = run.freezeWhen(() -> Files.exists(target.resolve("s01/d010")), Duration.ofSeconds(120));
        assertTrue(midway, "the run ended before it could be interrupted: " + run.err());
        run.signalFrozen(signal);
        return run;
    }

    @Test @Order(1)
    void t01_sigintStopsWithinASecond_oneLineSaysWhatIsDoneAndHowToResume_theReportSaysInterrupted_exit130() throws Exception {
        Path target = dir.resolve("t1"), report = dir.resolve("r1.json");
        try (LiveChild run = interruptedMigrate(target, report, "INT")) {
            long signalled = run.elapsedMillis();
            assertEquals(130, run.waitFor(Duration.ofSeconds(30)), run.err());
            long took = run.elapsedMillis() - signalled;
            assertTrue(took < 1500, "stopped " + took + " ms after SIGINT");
            String err = run.err();
            List<String> lines = err.lines().toList();
            assertEquals(1, lines.size(), "one line: " + err);
            assertTrue(lines.get(0).startsWith("linkrescue: migrate interrupted (SIGINT) after "), err);
            String resume = "resume with: linkrescue migrate " + src + " " + target + " -q --report " + report
                    + " --map-interval 1 --resume";
            assertTrue(lines.get(0).endsWith(resume), err);
            assertTrue(lines.get(0).contains(target.resolve(".linkrescue-map").toString()), err);
        }
        String json = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"outcome\":\"interrupted\""), json);
        assertTrue(json.contains("\"exitCode\":130"), json);
        assertTrue(json.contains("\"by\":\"SIGINT\""), json);
        assertTrue(Files.exists(target.resolve(".linkrescue-map")));
        // What a resume reads again: only what was in flight (the read-ahead holds 64 MiB at most).
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"sourceBytesRead\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        assertTrue(Long.parseLong(m.group(1)) <= 64L << 20, json);
    }

    @Test @Order(2)
    void t02_theSameCommandWithoutResumeSaysWhatTheTargetIsAndHowToResume_withNoMapToo() throws Exception {
        Path target = dir.resolve("t1");
        for (String more : List.of("-q", "--no-map")) {
            CliTestSupport.Result r = CliTestSupport.run("migrate", src.toString(), target.toString(), more);
            assertEquals(1, r.code(), more + ": " + r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().contains("holds a stopped migrate"), more + ": " + r.err());
            assertTrue(r.err().contains("resume with: linkrescue migrate " + src + " " + target), r.err());
            assertFalse(r.err().contains("not empty"), r.err());
        }
    }

    @Test @Order(3)
    void t03_verifyAgainstAStoppedTargetSaysIncompleteInterruptedRun() throws Exception {
        Path target = dir.resolve("t1");
        CliTestSupport.Result r = CliTestSupport.run("verify", src.toString(), target.toString());
        assertEquals(4, r.code(), r.err());
        assertTrue(r.outText().contains("incomplete: interrupted run") || r.err().contains("incomplete: interrupted run"),
                r.outText() + r.err());
        assertTrue(r.outText().lines().count() + r.err().lines().count() < 5, "not thousands of missing paths: " + r.outText());
    }

    @Test @Order(4)
    void t04_resumeWithOtherOptionsIsRefusedInOneLine() throws Exception {
        Path target = dir.resolve("t1");
        CliTestSupport.Result r = CliTestSupport.run("migrate", src.toString(), target.toString(), "-q", "--block-size", "8192", "--resume");
        assertEquals(1, r.code(), r.err());
        assertEquals("linkrescue: --resume: not the stopped rescue: the stopped run had --block-size 4096, this run --block-size 8192\n",
                r.err());
    }

    @Test @Order(5)
    void t05_resumeCompletesTheTreeAnUninterruptedRunMakes_andTheMapGoes() throws Exception {
        Path target = dir.resolve("t1"), report = dir.resolve("r1b.json");
        CliTestSupport.Result r = CliTestSupport.run("migrate", src.toString(), target.toString(), "-q", "--report", report.toString(),
                "--map-interval", "1", "--resume");
        assertEquals(0, r.code(), r.err());
        assertFalse(Files.exists(target.resolve(".linkrescue-map")), "a complete target holds no map");
        assertEquals(List.of(), want.diff(TreeListing.of(target)));
        String json = Files.readString(report, StandardCharsets.UTF_8);
        assertTrue(json.contains("\"outcome\":\"complete\""), json);
        assertTrue(json.contains("\"paths\":" + (want.size() + 1) + ","), "the report counts the whole tree, both runs: " + json);
        assertEquals(0, CliTestSupport.run("verify", src.toString(), target.toString()).code());
    }

    @Test @Order(6)
    void t06_sigtermStopsTheSameWay_exit143_thenResumeCompletes() throws Exception {
        Path target = dir.resolve("t2"), report = dir.resolve("r2.json");
        try (LiveChild run = interruptedMigrate(target, report, "TERM")) {
            long signalled = run.elapsedMillis();
            assertEquals(143, run.waitFor(Duration.ofSeconds(30)), run.err());
            assertTrue(run.elapsedMillis() - signalled < 1500, "stopped " + (run.elapsedMillis() - signalled) + " ms after SIGTERM");
            assertTrue(run.err().startsWith("linkrescue: migrate stopped (SIGTERM) after "), run.err());
        }
        assertTrue(Files.readString(report).contains("\"exitCode\":143"));
        CliTestSupport.Result r = CliTestSupport.run("migrate", src.toString(), target.toString(), "-q", "--report", report.toString(),
                "--map-interval", "1", "--resume");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(), want.diff(TreeListing.of(target)));
    }
}
