package org.linkrescue.migrate.sink;

import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * How the disk sink grades a failure, shared by its rooms: an entry that cannot be made is
 * FAILED and the run goes on; a full, read-only or failing target is FATAL, after which the sink
 * accepts nothing more (and its data threads write nothing more).
 */
final class SinkFailures {
    private final Problems problems;
    private final MadeCounts counts;
    private volatile TargetWriteException fatal; // volatile: the data threads stop writing once set

    SinkFailures(Problems problems, MadeCounts counts) {
        this.problems = problems;
        this.counts = counts;
    }

    /** Whether the target failed: nothing more is written. */
    boolean stopped() { return fatal != null; }

    /** @throws TargetWriteException the target failed earlier */
    void check() throws TargetWriteException {
        if (fatal != null) throw fatal;
    }

    /** An entry not made, for a reason of its own: FAILED, and the run goes on. */
    void failed(byte[] path, String why) {
        counts.failed++;
        problems.report(Grade.FAILED, path, why);
    }

    /** A call failed for an entry: FATAL when the target itself failed, else FAILED. */
    void entryFailed(byte[] path, PosixException x) throws TargetWriteException {
        if (TargetWriteException.isTargetFailure(x.errno())) throw fatal(path, x);
        failed(path, x.getMessage());
    }

    /** The target failed: reported FATAL once; the exception to throw. */
    TargetWriteException fatal(byte[] path, PosixException x) {
        problems.report(Grade.FATAL, path, x.call() + ": " + x.reason());
        fatal = new TargetWriteException("cannot write the target at '" + Names.display(path) + "': "
                + x.call() + ": " + x.reason(), x.errno(), x);
        return fatal;
    }
}
