package org.linkrescue.migrate.inventory;

import org.linkrescue.archive.Names;

/**
 * One snapshot's counts.
 *
 * @param name      the snapshot's path (its first --snapshot-depth components)
 * @param paths     paths in it, the snapshot directory included
 * @param inodes    distinct inodes its paths name
 * @param newInodes inodes first met in this snapshot (not in any snapshot before it, in walk order)
 * @param newBytes  bytes of those inodes: what this snapshot does not share with the earlier ones
 * @param bytes     apparent bytes: the sizes of its regular files, each link counted
 */
public record SnapshotStats(byte[] name, long paths, long inodes, long newInodes, long newBytes, long bytes) {
    @Override public String toString() { return Names.display(name); }
}
