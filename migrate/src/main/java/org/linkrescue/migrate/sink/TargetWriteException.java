package org.linkrescue.migrate.sink;

import java.io.IOException;
import org.linkrescue.migrate.fs.Errno;

/**
 * The target cannot be written (full, read-only, failing, over quota) or cannot be used at all
 * (not a directory, not empty): the run stops. The message is one line that names the place
 * and the cause, fit to print as it is.
 */
public final class TargetWriteException extends IOException {
    private final int errno;

    public TargetWriteException(String oneLine, int errno, Throwable cause) {
        super(oneLine, cause);
        this.errno = errno;
    }

    /** The errno behind it, or 0 when the target was refused for another reason. */
    public int errno() { return errno; }

    /**
     * Errors that say the target as a whole is in trouble rather than this one entry: going on
     * would only fail again on every later entry, or write onto a dying disk.
     */
    public static boolean isTargetFailure(int errno) {
        return errno == Errno.ENOSPC || errno == Errno.EDQUOT || errno == Errno.EROFS || errno == Errno.EIO
                || Errno.isMachineLimit(errno); // the next file would fail the same way: not one path's problem
    }
}
