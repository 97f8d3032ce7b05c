package org.linkrescue.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "man", mixinStandardHelpOptions = true,
        customSynopsis = "linkrescue man",
        header = "Print the manual page linkrescue(1), every command and option, for man(1).",
        description = {"Written from the same commands as each --help, so it is always this version's. Install it",
                "where man looks (a directory of MANPATH's man1), or read it at once with man -l."},
        footer = {"", "Examples:",
                "  linkrescue man | man -l -",
                "  linkrescue man > /usr/local/share/man/man1/linkrescue.1 && mandb -q",
                "", "Exit codes:", "  0  the page was written", ExitCodes.HELP_USAGE})
final class ManCommand implements Callable<Integer> {
    private final Console console;

    @Spec CommandSpec spec;

    ManCommand(Console console) { this.console = console; }

    @Override
    public Integer call() {
        PrintWriter out = new PrintWriter(console.out(), false);
        new ManPage(out).write(spec.root().commandLine(), new Version().getVersion()[0].replaceFirst("^linkrescue ", ""));
        out.flush();
        return ExitCodes.OK;
    }
}
