package org.linkrescue.migrate.repair;

import java.util.List;

/**
 * One inode of a killed run's journal, as the next run found and left it.
 *
 * @param newIno  the replacement inode, or -1 when the killed run had not finished making it
 * @param moved   paths moved by this run
 * @param already paths the killed run had moved
 * @param stayed  paths still on the old inode, each with its reason
 * @param action  one line: what was done
 */
public record ResumedInode(long oldIno, long newIno, List<byte[]> paths, List<byte[]> moved, List<byte[]> already,
                           List<Stayed> stayed, String action) {
    public boolean complete() { return newIno < 0 || stayed.isEmpty(); }
}
