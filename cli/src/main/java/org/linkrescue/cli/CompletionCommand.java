package org.linkrescue.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true,
        customSynopsis = "linkrescue completion SHELL",
        header = "Print the shell completion script for bash or zsh: commands, options, file names.",
        description = {"Generated from the commands themselves (picocli's AutoComplete), so it is always this",
                "version's: commands, options, and file names for paths. Load it in every new shell as the",
                "examples show. bash and zsh get the same script: under zsh it turns on zsh's bash",
                "compatibility (bashcompinit) itself."},
        footer = {"", "Examples:",
                "  linkrescue completion bash > /etc/bash_completion.d/linkrescue",
                "  echo 'source <(linkrescue completion bash)' >> ~/.bashrc",
                "  echo 'source <(linkrescue completion zsh)' >> ~/.zshrc",
                "", "Exit codes:", "  0  the script was written", ExitCodes.HELP_USAGE})
final class CompletionCommand implements Callable<Integer> {
    private final Console console;

    @Parameters(index = "0", paramLabel = "SHELL", completionCandidates = Shells.class, description = "bash or zsh.")
    String shell;

    @Spec CommandSpec spec;

    CompletionCommand(Console console) { this.console = console; }

    /** The shells there is a script for. */
    static final class Shells extends ArrayList<String> {
        Shells() { super(List.of("bash", "zsh")); }
    }

    @Override
    public Integer call() {
        if (!new Shells().contains(shell))
            throw new ExitCodes.UsageException("completion: no script for shell '" + shell + "'; there is one for bash and for zsh");
        // One script for both: it turns on zsh's bash compatibility itself (compinit, bashcompinit).
        // Paths are typed as Strings (their bytes kept exactly), for which picocli completes
        // nothing and turns off the shell's fallback: kept on, SOURCE, TARGET, --report FILE and
        // the rest complete as file names wherever the script offers no word of its own.
        String script = AutoComplete.bash("linkrescue", spec.root().commandLine())
                .replace("  type compopt &>/dev/null && compopt +o default\n", "");
        console.out().print(script);
        console.out().flush();
        return ExitCodes.OK;
    }
}
