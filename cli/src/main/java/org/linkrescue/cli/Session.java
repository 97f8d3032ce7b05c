package org.linkrescue.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.FsSpace;
import org.linkrescue.migrate.pipeline.SizeEstimate;
import org.linkrescue.migrate.report.Outcome;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.RunReport;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.report.Summary;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.sink.TargetWriteException;
import org.linkrescue.migrate.stream.Stop;

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
    /** SIGINT and SIGTERM request it ({@link Signals}); the pipeline stops at the next entry boundary. */
    final Stop stop = new Stop();

    Console console() { return console; }

    Session(Console console, CommonOptions options, String command) {
        this.console = console;
        this.options = options;
        this.command = command;
        this.problems = new ProblemLog(console.err());
        this.report = new RunReport(command);
        if (console.terminal() && !options.quiet) progress = new Progress(console.err(), totals, problems);
        Signals.running(stop);
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
        if (progress == null || expected) return; // a total counted already stands
        FsSpace fs = SizeEstimate.ofMountRoot(sourceRoot);
        if (fs != null) totals.expectFromFileSystem(fs.usedBytes(), fs.usedInodes());
    }

    /** Totals a walk before the run counted exactly, for the progress line. */
    private boolean expected;

    void expect(long paths, long bytes) {
        expected = true;
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

    /**
     * Ends a run that stopped before its end (a signal, a full target, a fatal error after the
     * rescue map was made): one line saying why, what is done and how to resume; the report,
     * marked "interrupted", with the totals of what is done; the exit code (130 SIGINT, 143
     * SIGTERM, else 1).
     *
     * @param map what the rescue map holds, or null when the run keeps none
     */
    int stopped(Throwable why, Stopping map) throws IOException {
        totals.stop();
        stopProgress();
        Stop.Cause cause = why instanceof Stop.Stopped st ? st.stopCause() : null;
        boolean full = why instanceof TargetWriteException t && Errno.isTargetFull(t.errno());
        int code = cause != null ? cause.exitCode : ExitCodes.FATAL;
        String what = cause != null ? cause.what
                : "stopped: " + (full ? "the target is full: " : "") + oneLine(why.getMessage());
        long livePaths = totals.paths(), liveBytes = totals.bytes();
        if (map != null) map.totalsTo(totals);
        StringBuilder line = new StringBuilder("linkrescue: ").append(command).append(' ').append(what).append(" after ")
                .append(Summary.seconds(totals.elapsedNanos())).append(": ").append(totals.paths()).append(" paths (")
                .append(totals.files()).append(" files, ").append(Summary.bytes(totals.bytes())).append(") done");
        if (map != null) {
            line.append(" and in the rescue map '").append(map.shown()).append("'; ").append(full ? "free some space, then " : "")
                    .append("resume with: ").append(map.resumeCommand());
        } else {
            line.append("; no rescue map was kept: the next run starts over");
        }
        console.err().println(line);
        if (options.report != null) {
            report.section("interrupted", j -> {
                j.beginObject().field("by", cause != null ? cause.name() : full ? "target-full" : "error")
                        .field("message", oneLine(why.getMessage()));
                if (map != null) {
                    j.field("map", map.shown()).field("resume", map.resumeCommand()).field("entriesDone", map.entries());
                }
                j.name("afterCheckpoint").beginObject().field("paths", Math.max(0, livePaths - totals.paths()))
                        .field("bytes", Math.max(0, liveBytes - totals.bytes()));
                if (map != null && map.sourceBytesReadAfter() >= 0) j.field("sourceBytesRead", map.sourceBytesReadAfter());
                j.endObject().endObject();
            });
            writeReport(Outcome.INTERRUPTED, code);
        }
        return code;
    }

    /** What a stopped run's rescue map holds, for its closing line and report. */
    interface Stopping {
        String shown();

        String resumeCommand();

        long entries();

        /** Sets totals to the totals of what the map records as done. */
        void totalsTo(RunTotals totals);

        /** Bytes this run read from SOURCE that the map does not count (read again on resume), or -1. */
        long sourceBytesReadAfter();
    }

    private static String oneLine(String s) {
        if (s == null) return "failed";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public void close() {
        Signals.done(stop);
        stopProgress();
    }
}
