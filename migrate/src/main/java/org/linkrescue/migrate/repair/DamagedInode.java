package org.linkrescue.migrate.repair;

import java.util.List;
import org.linkrescue.migrate.fs.Stat;

/**
 * A damaged inode of SOURCE and every path to it that the scan found.
 *
 * @param stat  lstat of its first path during the scan (size, mtime, nlink: the contract)
 * @param paths relative to SOURCE, raw bytes, in scan order (bytewise sorted, depth first)
 */
public record DamagedInode(Stat stat, List<byte[]> paths) {
    public long ino() { return stat.ino(); }

    /** Links the kernel counts that the scan did not find under SOURCE. */
    public int linksOutsideSource() { return Math.max(0, stat.nlink() - paths.size()); }
}
