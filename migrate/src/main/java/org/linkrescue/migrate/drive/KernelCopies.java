package org.linkrescue.migrate.drive;

import org.linkrescue.migrate.fs.Errno;

/**
 * Whether large files move from the drive into the target inside the kernel in this run, by
 * sendfile(2) (any file in the page cache to any file), or else through a buffer (reads and
 * writes). Moving the bytes inside the kernel saves copying each one out to a buffer and back;
 * on some machines (a VM whose free memory the host takes back) that copy-back into freshly
 * allocated page cache is most of a large file's cost. sendfile and not copy_file_range(2):
 * on one btrfs or XFS, copy_file_range shares the source's blocks instead of copying them, and
 * a copy sharing its blocks with a failing drive is no copy; across file systems it mostly
 * refuses anyway. Learnt from the first refusal and kept for the run, shared by every data
 * thread. The system property linkrescue.kernelCopy=false turns it off (for measuring).
 */
public final class KernelCopies {
    private volatile boolean on;

    public KernelCopies() {
        this(!"false".equals(System.getProperty("linkrescue.kernelCopy")));
    }

    public KernelCopies(boolean on) {
        this.on = on;
    }

    public boolean on() { return on; }

    /**
     * A kernel copy failed with errno before copying a byte: true when that means these two
     * files cannot be copied that way at all (off from now on), false for any other error.
     */
    public boolean refused(int errno) {
        if (!Errno.isCopyUnsupported(errno)) return false;
        on = false;
        return true;
    }
}
