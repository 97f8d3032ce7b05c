package org.linkrescue.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.linkrescue.migrate.fs.FsSpace;
import org.linkrescue.migrate.pipeline.SizeEstimate;
import org.linkrescue.migrate.report.Outcome;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.RunReport;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.report.Summary;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * What every run command does around its pipeline: one problem log, the totals, a progress
 * line on a terminal, and at the end, however the run ends ({@link #run}), the summary line,
 * the --report file and the exit code.
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

    /** Lets the progress line end with what status says of the rescue (null: nothing). */
    void rescueStatus(Supplier<String> status) {
        if (progress != null) progress.rescueStatus(status);
    }

    /**
     * Lets the progress line show totals (and an ETA): the file system's blocks and inodes in
     * use until the scan ends, then its exact counts (see SizeEstimate: the drive is not walked twice).
     */
    void estimate(byte[] sourceRoot) {
        if (progress == null) return;
        FsSpace fs = SizeEstimate.ofMountRoot(sourceRoot);
        if (fs != null) totals.expectFromFileSystem(fs.usedBytes(), fs.usedInodes());
    }

    /** Totals a walk before the run counted exactly, for the progress line. */
    void expect(long paths, long bytes) {
        totals.expectPaths(paths);
        totals.expectBytes(bytes);
    }

    /** A command's work inside its session: returns the exit code ({@link #finish} at its end). */
    interface Work {
        int run() throws Exception;
    }

    /**
     * Runs a command's work so that every stop ends the same way: at its end through {@link
     * #finish}; stopped by a fatal error (a full or unwritable target, an unreadable source, out
     * of memory, a bug) through {@link #stopped}: the one line saying what failed and where, and
     * the --report with outcome "failed". The one place a run ends (a usage error, found before
     * anything is read, is left to the command line).
     */
    int run(Work work) {
        try {
            return work.run();
        } catch (ExitCodes.UsageException u) {
            throw u;
        } catch (Throwable t) {
            return stopped(t);
        }
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
        String summary = Summary.line(command, outcome, totals, problems);
        console.err().println(console.terminal() ? TerminalLine.wrap(summary, TerminalLine.stderrColumns()) : summary);
        writeReport(outcome, code);
        return code;
    }

    /**
     * Ends a run a fatal error stopped: what failed, in the one line a fatal error gets (a bug
     * gets its trace), and the report with what was done, its outcome "failed" and the error
     * among its problems (FATAL). Memory may be short here (an OutOfMemoryError): nothing it
     * does may hide the exit code.
     */
    private int stopped(Throwable t) {
        int code = ExitCodes.FATAL;
        try {
            totals.stop();
            stopProgress();
            code = ExitCodes.forException(t, console.err());
            if (problems.count(Grade.FATAL) == 0) { // a sink's FATAL problem names its path already
                String line = ExitCodes.line(t);
                problems.report(Grade.FATAL, null, line == null ? "internal error: " + t : line.substring("linkrescue: ".length()));
            }
            if (!reportFailed) writeReport(Outcome.FAILED, code);
        } catch (IOException e) {
            console.err().println("linkrescue: " + e.getMessage());
        } catch (Throwable again) { // out of memory again, most likely: the exit code still stands
            console.err().println("linkrescue: the report could not be written: " + again);
        }
        return code;
    }

    private boolean reportFailed;

    private void writeReport(Outcome outcome, int code) throws IOException {
        if (options.report == null) return;
        Path p = Path.of(options.report);
        try (Writer w = new OutputStreamWriter(Files.newOutputStream(p), StandardCharsets.UTF_8)) {
            report.write(w, outcome, code, totals, problems);
        } catch (IOException e) {
            reportFailed = true;
            throw new IOException("cannot write report '" + options.report + "': " + e.getMessage(), e);
        }
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
