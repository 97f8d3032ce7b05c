package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.cli.CliTestSupport.Result;

/** The command line as a user meets it: exit codes, messages, help. */
class MainTest {
    @TempDir Path dir;

    private static void oneLineNoTrace(Result r) {
        assertFalse(r.err().contains("\tat "), "no stack trace:\n" + r.err());
        assertFalse(r.err().contains("Exception"), "no exception names:\n" + r.err());
    }

    @Test
    void t01_helpListsEveryCommandAndTheExitCodes() {
        Result r = CliTestSupport.run("--help");
        assertEquals(0, r.code());
        for (String c : List.of("archive", "extract", "migrate", "demo", "Exit codes", "3  finished"))
            assertTrue(r.outText().contains(c), c + " in:\n" + r.outText());
    }

    @Test
    void t02_eachCommandsHelpIsASummaryUsageExamplesAndExitCodes_andTheListShowsWholeSummaries() {
        Result root = CliTestSupport.run("--help");
        List<String> commands = List.of("archive", "extract", "migrate", "demo", "repair", "verify", "scan", "man", "completion");
        for (String c : commands) {
            String line = root.outText().lines().filter(l -> l.startsWith("  " + c + " ")).findFirst().orElseThrow();
            assertTrue(line.endsWith("."), "a whole one-line summary, not cut: " + line);
            Result r = CliTestSupport.run(c, "--help");
            assertEquals(0, r.code(), c);
            List<String> lines = r.outText().lines().toList();
            assertEquals(line.substring(2 + c.length()).strip(), lines.get(0), "the help opens with the summary");
            assertTrue(lines.get(1).startsWith("Usage: linkrescue " + c), r.outText());
            int examples = lines.indexOf("Examples:"), exits = lines.indexOf("Exit codes:");
            assertTrue(examples > 0 && exits > examples, c + ": examples, then exit codes:\n" + r.outText());
            assertTrue(lines.subList(examples + 1, exits).stream().anyMatch(l -> l.startsWith("  linkrescue " + c)), c);
            for (String l : lines) {
                assertFalse(l.matches(".*\\s-[-A-Za-z]+=[A-Z].*"), c + ": options as users type them, not -C=TARGET: " + l);
                assertTrue(l.length() <= 100, c + ": fits 100 columns: " + l);
            }
        }
    }

    @Test
    void t03_noCommandUnknownOptionOrMissingArgumentIsAUsageError() {
        Result none = CliTestSupport.run();
        assertEquals(2, none.code());
        assertTrue(none.err().contains("a command is required"), none.err());
        Result unknown = CliTestSupport.run("migrate", "--frobnicate", "a", "b");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("unknown option '--frobnicate'"), unknown.err());
        assertTrue(unknown.err().contains("Try 'linkrescue migrate --help'."), unknown.err());
        assertEquals(2, CliTestSupport.run("archive", dir.toString()).code(), "-f is required");
        Result badCompress = CliTestSupport.run("archive", dir.toString(), "-f", dir.resolve("a.tar").toString(), "--compress", "lz4");
        assertEquals(2, badCompress.code());
        assertTrue(badCompress.err().contains("unknown compression 'lz4': use none, gzip, zstd or xz"), badCompress.err());
    }

    @Test
    void t04_aMissingSourceIsFatal_oneLine_andNoTargetIsCreated() {
        Result r = CliTestSupport.run("migrate", dir.resolve("no such").toString(), dir.resolve("t").toString());
        assertEquals(1, r.code());
        assertEquals("linkrescue: cannot read source '" + dir.resolve("no such") + "': ENOENT (No such file or directory)\n", r.err());
        assertFalse(Files.exists(dir.resolve("t")));
    }

    @Test
    void t05_aNonEmptyTargetIsFatal() throws Exception {
        Files.createDirectories(dir.resolve("src/a"));
        Files.createDirectories(dir.resolve("t/old"));
        Result r = CliTestSupport.run("migrate", dir.resolve("src").toString(), dir.resolve("t").toString());
        assertEquals(1, r.code());
        assertEquals("linkrescue: target '" + dir.resolve("t") + "' is not empty\n", r.err());
        oneLineNoTrace(r);
        Result x = CliTestSupport.runWithInput(new ByteArrayInputStream(new byte[10240]), "extract", "-f", "-", "-C", dir.resolve("t").toString());
        assertEquals(1, x.code());
        assertTrue(x.err().endsWith("is not empty\n"), x.err());
    }

    @Test
    void t06_aGarbageArchiveIsFatalWithTheOffset() throws Exception {
        Path garbage = dir.resolve("garbage.tar");
        byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        Files.write(garbage, junk);
        Result r = CliTestSupport.run("extract", "-f", garbage.toString(), "-C", dir.resolve("t").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("linkrescue: bad archive: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        oneLineNoTrace(r);
    }

    @Test
    void t07_aMissingArchiveIsFatal() {
        Result r = CliTestSupport.run("extract", "-f", dir.resolve("none.tar").toString(), "-C", dir.resolve("t").toString());
        assertEquals(1, r.code());
        assertEquals("linkrescue: cannot read archive '" + dir.resolve("none.tar") + "': no such file or directory\n", r.err());
    }

    @Test
    void t08_anEmptySourceMigratesWithExit0AndASummaryLine() throws Exception {
        Files.createDirectories(dir.resolve("src"));
        Result r = CliTestSupport.run("migrate", dir.resolve("src").toString(), dir.resolve("t").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().startsWith("linkrescue: migrate done in "), r.err());
        assertEquals(0, r.out().length, "nothing on stdout");
    }

    @Test
    void t09_refusesToRunOutsideTheLatin1Locale() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.linkrescue.cli.Main", "--help");
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().put("LANG", "C.UTF-8");
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, p.waitFor());
        assertEquals("linkrescue must run under the Latin-1 locale the ./linkrescue launcher sets up (got UTF-8):"
                + " file names would not survive byte for byte\n", err);
    }

    @Test
    void t10_theLauncherBuildsIfNeededAndRuns() throws Exception {
        Path root = Path.of(System.getProperty("lr.project.root"));
        Process p = new ProcessBuilder(root.resolve("linkrescue").toString(), "--help").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        assertTrue(out.startsWith("Usage: linkrescue"), out);
        assertTrue(err.isEmpty() || err.equals("linkrescue: building (first run)...\n"), "launcher stderr: " + err);
    }

    @Test
    void t11_demoShowsTheLinksSurvivedAndARescue_andPrintsACommandThatReproducesItsLastPart() throws Exception {
        Result r = CliTestSupport.run("demo");
        assertEquals(0, r.code(), r.outText() + r.err());
        String out = r.outText();
        assertTrue(out.contains("every hard link survived"), out);
        assertTrue(out.contains("SIMULATED inside this process"), "what is simulated is said: " + out);
        assertTrue(out.contains("byte-identical to the original data: yes"), out);
        assertTrue(out.contains("came back from the live data: yes"), out);
        assertTrue(out.contains("a real run would exit 3: yes"), out);
        assertTrue(out.contains("spliced from the mirror: yes") && out.contains("from the live data: yes"), out);
        String dir = out.lines().filter(l -> l.startsWith("Everything is in ")).findFirst().orElseThrow()
                .replaceFirst("^Everything is in (.*); remove it with.*$", "$1");
        // The printed command, typed again (the demo's paths need no quotes), does the same.
        String typed = out.lines().filter(l -> l.startsWith("   $ linkrescue migrate --cross-check ")).findFirst().orElseThrow();
        String[] args = typed.substring("   $ linkrescue ".length()).split(" ");
        String target = args[args.length - 1];
        assertTrue(Files.isDirectory(Path.of(target)), target);
        CliTestSupport.remove(Path.of(target));
        Result again = CliTestSupport.run(args);
        assertEquals(0, again.code(), again.err());
        assertEquals(2, again.err().lines().filter(l -> l.contains("SOURCE holds zeros") && l.contains("spliced from")).count(), again.err());
        CliTestSupport.remove(Path.of(dir));
    }

    @Test
    void t12_aFullTargetStopsTheRunWithOneLineAndExit1() throws Exception {
        Path t = Files.createDirectory(dir.resolve("small"));
        Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", t.toString())
                .redirectErrorStream(true).start();
        m.getInputStream().readAllBytes();
        org.junit.jupiter.api.Assumptions.assumeTrue(m.waitFor() == 0, "cannot mount a small tmpfs here (needs root)");
        try {
            Files.createDirectories(dir.resolve("src"));
            byte[] big = new byte[2 << 20];
            new java.util.Random(1).nextBytes(big);
            Files.write(dir.resolve("src/big"), big);
            // --force: past the room check, which would refuse this before writing (DryRunTest)
            Result r = CliTestSupport.run("migrate", dir.resolve("src").toString(), t.resolve("dst").toString(), "--force");
            assertEquals(1, r.code(), r.err());
            // Stopped as a signal stops it (issue 15): what is done and how to resume, in one line.
            assertEquals(1, r.err().lines().count(), r.err());
            assertTrue(r.err().startsWith("linkrescue: migrate stopped: the target is full: cannot write the target at 'big': "
                    + "write: ENOSPC (No space left on device) after "), r.err());
            assertTrue(r.err().contains("free some space, then resume with: linkrescue migrate "), r.err());
        } finally {
            new ProcessBuilder("umount", t.toString()).start().waitFor();
        }
    }

    @Test
    void t13_aMistypedOptionOrCommandIsNamedWithTheRightWord() {
        Result option = CliTestSupport.run("migrate", "--reprot", "x.json", "snaps", "new2");
        assertEquals(2, option.code());
        assertEquals("linkrescue: unknown option '--reprot'; did you mean '--report'?\n"
                + "Try 'linkrescue migrate --help'.\n", option.err());
        Result command = CliTestSupport.run("migrat", "snaps", "x");
        assertEquals(2, command.code());
        assertEquals("linkrescue: unknown command 'migrat'; did you mean 'migrate'?\nTry 'linkrescue --help'.\n", command.err());
        Result extra = CliTestSupport.run("migrate", "a", "b", "c");
        assertEquals(2, extra.code());
        assertEquals("linkrescue: unexpected argument 'c'\nTry 'linkrescue migrate --help'.\n", extra.err());
    }

    @Test
    void t14_everyCommandAnswersVersionWithTheBuildsVersion() throws Exception {
        String pom = Files.readString(Path.of(System.getProperty("lr.project.root"), "pom.xml"));
        String version = pom.replaceFirst("(?s).*?<artifactId>linkrescue-parent</artifactId>\\s*<version>([^<]+)</version>.*", "$1");
        for (String c : List.of("", "archive", "extract", "migrate", "verify", "scan", "repair", "demo", "man", "completion")) {
            Result r = c.isEmpty() ? CliTestSupport.run("-V") : CliTestSupport.run(c, "-V");
            assertEquals(0, r.code(), c);
            assertTrue(r.outText().startsWith("linkrescue " + version + "\n"), c + ": " + r.outText());
            assertEquals("", r.err(), c);
        }
    }

    @Test
    void t15_aFailedExtractLeavesNoEmptyTargetBehind() throws Exception {
        Path notTar = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n".repeat(20));
        Result r = CliTestSupport.run("extract", "-f", notTar.toString(), "-C", dir.resolve("bad1").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("linkrescue: bad archive: "), r.err());
        assertFalse(Files.exists(dir.resolve("bad1")), "the target it made is gone again");
        Files.createDirectory(dir.resolve("mine"));
        assertEquals(1, CliTestSupport.run("extract", "-f", notTar.toString(), "-C", dir.resolve("mine").toString()).code());
        assertTrue(Files.isDirectory(dir.resolve("mine")), "a target the user made stays");
    }
}
