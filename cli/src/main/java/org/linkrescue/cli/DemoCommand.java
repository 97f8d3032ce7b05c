package org.linkrescue.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Show it work: build, migrate and count a small snapshot tree.",
                "The tree is made in a temporary directory the way hard-linked backups are",
                "made (cp -al, then rsync); the counts before and after show the links survived."})
final class DemoCommand implements Callable<Integer> {
    private final Console console;

    DemoCommand(Console console) { this.console = console; }

    @Override
    public Integer call() throws Exception {
        return new Demo(console).run();
    }
}
