package org.linkrescue.cli;

import picocli.CommandLine.Option;

/** Options every run command shares. */
final class CommonOptions {
    @Option(names = {"-q", "--quiet"}, description = "No progress line (problems and the closing summary still go to stderr).")
    boolean quiet;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a JSON report of the run to FILE.")
    String report;

    /** The report can be written: found before the drive is read, not after. */
    void check() { Preflight.outputFile("--report", report); }
}
