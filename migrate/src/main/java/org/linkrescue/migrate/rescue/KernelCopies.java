package org.linkrescue.migrate.rescue;

import org.linkrescue.migrate.fs.Errno;

/**
 * Which kernel-side copy moves large files from the drive into the target in this run:
 * copy_file_range(2) while the two file systems allow it (one file system, or one that copies
 * across its own instances), else sendfile(2) (any file in the page cache to any file), else
 * none (reads and writes through a buffer). Moving the bytes inside the kernel saves copying
 * each one out to a buffer and back; on some machines (a VM whose free memory the host takes
 * back) that copy-back into freshly allocated page cache is most of a large file's cost.
 * Learnt from the first refusal and kept for the run, shared by every data thread.
 * The system property linkrescue.kernelCopy=false turns it off (for measuring the difference).
 */
final class KernelCopies {
    enum Call { COPY_RANGE, SEND_FILE, NONE }

    private volatile Call call;

    KernelCopies() {
        this(!"false".equals(System.getProperty("linkrescue.kernelCopy")));
    }

    KernelCopies(boolean enabled) {
        this.call = enabled ? Call.COPY_RANGE : Call.NONE;
    }

    Call call() { return call; }

    /**
     * call failed with errno before copying a byte: true when that means these two files cannot
     * be copied that way at all (the next call down is to be tried), false for any other error.
     */
    boolean refused(Call failed, int errno) {
        if (!Errno.isCopyUnsupported(errno)) return false;
        if (call == failed) call = failed == Call.COPY_RANGE ? Call.SEND_FILE : Call.NONE;
        return true;
    }
}
