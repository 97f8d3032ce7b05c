package org.linkrescue.migrate.fs;

import java.io.IOException;
import org.linkrescue.archive.Names;

/**
 * A limit of this machine met while reading the source: too many open files (EMFILE, ENFILE)
 * or no memory (ENOMEM). Not damage of the drive: a file that could not be opened for that
 * reason would be left out (or zero-filled) for nothing, and every file after it too. The run
 * stops as for any fatal error, to be run again with the limit raised.
 */
public final class MachineLimitException extends IOException {
    private MachineLimitException(String message, PosixException cause) {
        super(message, cause);
    }

    /** Throws when e is a limit of this machine rather than the drive's failure; path: where (null: unknown). */
    public static void check(PosixException e, byte[] path) throws MachineLimitException {
        if (!Errno.isMachineLimit(e.errno())) return;
        String raise = e.errno() == Errno.ENOMEM ? "free memory" : "raise the limit on open files (ulimit -n)";
        throw new MachineLimitException("reading the source" + (path == null ? "" : " at '" + Names.display(path) + "'")
                + ": " + e.call() + ": " + e.reason() + ": a limit of this machine, not damage of the drive; " + raise
                + " and run again", e);
    }
}
