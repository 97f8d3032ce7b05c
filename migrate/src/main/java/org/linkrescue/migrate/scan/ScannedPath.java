package org.linkrescue.migrate.scan;

import org.linkrescue.migrate.fs.Stat;

/**
 * One path as the scan found it.
 *
 * @param path       relative to the scanned root, '/'-separated; the root itself is "."
 * @param name       last component (the root's is ".")
 * @param parentFd   the open directory holding it (the root's own fd for the root): valid only
 *                   while the visitor runs, so data is opened then with openat(parentFd, name)
 * @param stat       lstat of the path: never follows a symlink
 * @param linkTarget a symlink's target bytes, else null
 * @param xattrs     its extended attributes' names when the scan listed them with its lstat, else null
 */
public record ScannedPath(byte[] path, byte[] name, int parentFd, Stat stat, byte[] linkTarget, ScanCalls.ListedXattrs xattrs) {
    public ScannedPath(byte[] path, byte[] name, int parentFd, Stat stat, byte[] linkTarget) {
        this(path, name, parentFd, stat, linkTarget, null);
    }

    public boolean isRoot() { return path.length == 1 && path[0] == '.'; }
}
