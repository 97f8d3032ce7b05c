package org.linkrescue.testdata;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A generated tree.
 *
 * @param root          the directory given to the generator
 * @param source        root/snapshots: the directory holding the snapshots (linkrescue's SOURCE)
 * @param original      root/src: the live tree the snapshots were taken of (an "original" alternate)
 * @param mirror        root/mirror when asked for: rsync -a (no hard links) of the snapshots made
 *                      after snapshot K (a "mirror" alternate, same layout as source)
 * @param snapshotNames the snapshot directories under source, oldest first (2024-01-01, ...)
 * @param longPath      relative to source: the file at the end of the path over 4096 bytes, if made
 * @param paths         paths under source (find -mindepth 1)
 * @param inodes        distinct inodes under source
 * @param uniqueBytes   bytes of regular-file data, each inode counted once
 */
public record SnapshotTree(Path root, Path source, Path original, Optional<Path> mirror,
                           List<String> snapshotNames, Optional<String> longPath,
                           long paths, long inodes, long uniqueBytes) {

    /** source/NAME for the given snapshot. */
    public Path snapshot(String name) {
        return source.resolve(name);
    }

    /** The newest snapshot directory. */
    public Path newest() {
        return source.resolve(snapshotNames.get(snapshotNames.size() - 1));
    }
}
