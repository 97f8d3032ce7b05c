package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The man page (issue 18): `linkrescue man` writes linkrescue(1) that groff reads without a
 * warning, man-db indexes (whatis) and man shows with every command and every option.
 */
class ManPageTest {
    @TempDir Path dir;

    private static String[] run(Path cwd, String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).directory(cwd.toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(), err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new String[] {new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8), String.valueOf(p.exitValue())};
    }

    @Test void t01_thePageIsCleanRoffWithAWhatisLineAndShowsEveryCommandAndOption() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/man")) && Files.isExecutable(Path.of("/usr/bin/groff")),
                "man-db and groff are not installed");
        CliTestSupport.Result r = CliTestSupport.run("man");
        assertEquals(0, r.code(), r.err());
        Path page = Files.write(dir.resolve("linkrescue.1"), r.out());

        String[] groff = run(dir, "groff", "-man", "-Tascii", "-ww", "-z", page.toString());
        assertEquals("", groff[1], "groff warns of nothing");
        String[] whatis = run(dir, "lexgrog", page.toString());
        assertTrue(whatis[0].contains("\"linkrescue - Evacuate a hard-linked snapshot backup tree"), whatis[0] + whatis[1]);

        String shown = run(dir, "env", "LC_ALL=C", "MANWIDTH=100", "man", "-l", "-P", "cat", page.toString())[0];
        for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "EXIT STATUS")) assertTrue(shown.contains("\n" + section + "\n"), section);
        CommandLine cl = Main.commandLine(new Console(System.in, System.out, System.err, false));
        for (CommandLine sub : cl.getSubcommands().values()) {
            String name = sub.getCommandName();
            int at = shown.indexOf("\n   linkrescue " + name + "\n");
            assertTrue(at > 0, "a subsection for " + name);
            int end = shown.indexOf("\n   linkrescue ", at + 1);
            String part = shown.substring(at, end < 0 ? shown.length() : end);
            for (OptionSpec o : sub.getCommandSpec().options())
                for (String n : o.names()) assertTrue(part.contains(n), name + " " + n);
            if (sub.getCommandSpec().usageMessage().footer().length > 0) assertTrue(part.contains("Exit codes:"), name);
        }
        assertTrue(shown.contains("linkrescue migrate /mnt/old-backup /mnt/new-backup --alternate mirror=/mnt/cold-copy \\"),
                "examples kept as written, the continuation backslash too");
    }
}
