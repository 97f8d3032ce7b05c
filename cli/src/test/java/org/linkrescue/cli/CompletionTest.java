package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Shell completion (issue 18): `linkrescue completion bash|zsh` prints a script that a real
 * interactive bash and zsh (in tmux) use to complete commands, options and file names.
 */
class CompletionTest {
    @TempDir Path dir;

    private Path script(String shell) throws Exception {
        CliTestSupport.Result r = CliTestSupport.run("completion", shell);
        assertEquals(0, r.code(), r.err());
        return Files.write(dir.resolve("completion." + shell), r.out());
    }

    @Test void t01_theScriptNamesEveryCommandAndEveryOption() throws Exception {
        String text = Files.readString(script("bash"));
        assertTrue(text.contains("complete -F _complete_linkrescue -o default linkrescue"), "file names stay the fallback");
        assertFalse(text.contains("compopt +o default"), "no command turns the file-name fallback off");
        CommandLine cl = Main.commandLine(new Console(System.in, System.out, System.err, false));
        for (CommandLine sub : cl.getSubcommands().values()) {
            assertTrue(text.contains("function _picocli_linkrescue_" + sub.getCommandName() + "()"), sub.getCommandName());
            for (OptionSpec o : sub.getCommandSpec().options())
                for (String n : o.names()) assertTrue(text.contains("'" + n + "'"), sub.getCommandName() + " " + n);
        }
        assertEquals(text, Files.readString(script("zsh")), "one script serves both shells");
    }

    @Test void t02_anUnknownShellIsAUsageError() {
        CliTestSupport.Result r = CliTestSupport.run("completion", "fish");
        assertEquals(2, r.code());
        assertEquals("linkrescue: completion: no script for shell 'fish'; there is one for bash and for zsh\n", r.err());
    }

    /** Types line and a Tab in an interactive shell that has loaded the script; returns the line it completed to (stripped). */
    private String completeIn(String shellCommand, String shell, String line) throws Exception {
        Path sc = script(shell);
        try (TmuxWindow w = TmuxWindow.start(200, 10, shellCommand)) {
            w.await(s -> !s.isEmpty() && s.get(s.size() - 1).endsWith("$"), 10_000, "the prompt");
            w.send("source " + sc, "Enter");
            w.send("clear", "Enter");
            w.await(s -> s.size() == 1 && s.get(0).equals("$"), 10_000, "a clear screen");
            w.send(line, "Tab");
            String typed = "$" + line.strip();
            // The last line: on a loaded machine the typed line may still stand above it.
            List<String> s = w.await(x -> !x.isEmpty() && !x.get(x.size() - 1).strip().equals(typed) && x.get(x.size() - 1).startsWith(typed),
                    10_000, "completed: " + line);
            return s.get(s.size() - 1).strip();
        }
    }

    private String bash(String line) throws Exception {
        // No history file: bash writes it into HOME (the temp dir) as tmux ends it, racing the dir's removal.
        return completeIn("env -i HOME=" + dir + " HISTFILE=/dev/null TERM=xterm PS1='$' bash --norc --noprofile -i", "bash", line);
    }

    private String zsh(String line) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/zsh")), "zsh is not installed");
        return completeIn("env -i HOME=" + dir + " TERM=xterm PS1='$' zsh -f -i", "zsh", line);
    }

    @Test void t03_bashCompletesCommandsOptionsAndPaths() throws Exception {
        Files.createDirectories(dir.resolve("snapshots/2024-01-01"));
        assertEquals("$linkrescue migrate", bash("linkrescue mig"));
        assertEquals("$linkrescue migrate --report", bash("linkrescue migrate --rep"));
        assertEquals("$linkrescue migrate " + dir + "/snapshots/", bash("linkrescue migrate " + dir + "/snap"));
        assertEquals("$linkrescue migrate --report " + dir + "/snapshots/", bash("linkrescue migrate --report " + dir + "/snap"));
    }

    @Test void t04_zshCompletesCommandsOptionsAndPaths() throws Exception {
        Files.createDirectories(dir.resolve("snapshots/2024-01-01"));
        assertEquals("$linkrescue migrate", zsh("linkrescue mig"));
        assertEquals("$linkrescue migrate --report", zsh("linkrescue migrate --rep"));
        assertEquals("$linkrescue migrate " + dir + "/snapshots/", zsh("linkrescue migrate " + dir + "/snap"));
    }
}
