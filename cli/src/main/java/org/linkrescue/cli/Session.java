package org.linkrescue.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.linkrescue.migrate.pipeline.SizeEstimate;
import org.linkrescue.migrate.report.Outcome;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.RunReport;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.report.Summary;

/**
 * What every run command does around its pipeline: one problem log, the totals, a progress
 * line on a terminal, and at the end the summary line, the --report file and the exit code.
 */
final class Session implements AutoCloseable {
    final ProblemLog problems;
    final RunTotals totals = new RunTotals();
    final RunReport report;
    private final Console console;
    private final CommonOptions options;
    private final String command;
    private Progress progress;

    Console console() { return console; }

    Session(Console console, CommonOptions options, String command) {
        this.console = console;
        this.options = options;
        this.command = command;
        this.problems = new ProblemLog(console.err());
        this.report = new RunReport(command);
        if (console.terminal() && !options.quiet) progress = new Progress(console.err(), totals, problems);
    }

    /**
     * Lets the progress line show a total (and an ETA): the file system's blocks in use until
     * the scan ends, then its exact sum (see SizeEstimate: the drive is not walked twice).
     */
    void estimate(byte[] sourceRoot) {
        if (progress != null) totals.expectBytes(SizeEstimate.usedBytes(sourceRoot));
    }

    /**
     * Ends a run that reached its end: summary, report, exit code.
     *
     * @param extraLoss data known lost beyond what the totals count (the rescue report's verdict)
     */
    int finish(boolean extraLoss) throws IOException {
        totals.stop();
        stopProgress();
        Outcome outcome = Outcome.of(problems, totals, extraLoss);
        int code = ExitCodes.of(outcome);
        console.err().println(Summary.line(command, outcome, totals, problems));
        if (options.report != null) {
            Path p = Path.of(options.report);
            try (Writer w = new OutputStreamWriter(Files.newOutputStream(p), StandardCharsets.UTF_8)) {
                report.write(w, outcome, code, totals, problems);
            } catch (IOException e) {
                throw new IOException("cannot write report '" + options.report + "': " + e.getMessage(), e);
            }
        }
        return code;
    }

    /** Clears the progress line for good (before closing lines of the run). */
    void stopProgress() {
        if (progress != null) {
            progress.close();
            progress = null;
        }
    }

    @Override
    public void close() { stopProgress(); }
}
