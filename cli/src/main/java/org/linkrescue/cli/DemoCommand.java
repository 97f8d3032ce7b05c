package org.linkrescue.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true,
        customSynopsis = "linkrescue demo",
        header = "Show it work: build, migrate and count a small snapshot tree.",
        description = {"The tree is made in a temporary directory the way hard-linked backups are made (cp -al,",
                "then rsync); the counts before and after show the links survived. Then read errors are",
                "simulated inside the demo (no real drive fails; that needs root) to show a rescue from a mirror",
                "and from the live data, and a block no copy can restore. Last, the same damage is written into",
                "the snapshots as zeros, as a ddrescue image holds it, and a command you can type again (migrate",
                "--cross-check) is run on it."},
        footer = {"", "Examples:", "  linkrescue demo", "",
                "Exit codes:", "  0  the demo showed what it should", "  1  it did not (a bug: please report it)"})
final class DemoCommand implements Callable<Integer> {
    private final Console console;

    DemoCommand(Console console) { this.console = console; }

    @Override
    public Integer call() throws Exception {
        return new Demo(console).run();
    }
}
