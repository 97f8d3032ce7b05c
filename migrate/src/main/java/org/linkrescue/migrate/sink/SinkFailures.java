package org.linkrescue.migrate.sink;

import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * How the disk sink grades a failure, shared by its rooms: an entry that cannot be made is
 * FAILED and the run goes on; a full, read-only or failing target is FATAL, after which the sink
 * accepts nothing more (and its lanes and data threads write nothing more). Each lane counts its
 * failures in counts of its own ({@link #forLane}); the stop is one for all.
 */
final class SinkFailures {
    /** The first target failure, for every lane at once. */
    private static final class Stop {
        volatile TargetWriteException fatal; // volatile: the lanes and data threads stop writing once set
    }

    private final Problems problems;
    private final MadeCounts counts;
    private final Stop stop;

    SinkFailures(Problems problems, MadeCounts counts) {
        this(problems, counts, new Stop());
    }

    private SinkFailures(Problems problems, MadeCounts counts, Stop stop) {
        this.problems = problems;
        this.counts = counts;
        this.stop = stop;
    }

    /** The same policy and stop, counting into a lane's own counts. */
    SinkFailures forLane(MadeCounts laneCounts) { return new SinkFailures(problems, laneCounts, stop); }

    /** Whether the target failed: nothing more is written. */
    boolean stopped() { return stop.fatal != null; }

    /** @throws TargetWriteException the target failed earlier */
    void check() throws TargetWriteException {
        TargetWriteException f = stop.fatal;
        if (f != null) throw f;
    }

    /** Something not as it should be, made all the same: a WARN. */
    void warn(byte[] path, String why) { problems.report(Grade.WARN, path, why); }

    /** An entry not made, for a reason of its own: FAILED, and the run goes on. */
    void failed(byte[] path, String why) {
        counts.failed++;
        problems.report(Grade.FAILED, path, why);
    }

    /** An entry refused before anything was made for it: FAILED, and the run goes on. */
    void refused(byte[] path, String why) {
        counts.refused++;
        problems.report(Grade.FAILED, path, "refused: " + why);
    }

    /** A call failed for an entry: FATAL when the target itself failed, else FAILED. */
    void entryFailed(byte[] path, PosixException x) throws TargetWriteException {
        if (TargetWriteException.isTargetFailure(x.errno())) throw fatal(path, x);
        failed(path, x.getMessage());
    }

    /**
     * The target failed: reported FATAL once (two lanes meeting a full disk at once: the first
     * says it); the exception to throw.
     */
    TargetWriteException fatal(byte[] path, PosixException x) {
        synchronized (stop) {
            if (stop.fatal != null) return stop.fatal;
            problems.report(Grade.FATAL, path, x.call() + ": " + x.reason());
            stop.fatal = new TargetWriteException("cannot write the target at '" + Names.display(path) + "': "
                    + x.call() + ": " + x.reason(), x.errno(), x);
            return stop.fatal;
        }
    }
}
