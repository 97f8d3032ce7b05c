/**
 * Generators of snapshot trees and small fixtures for the tests of every module, and the
 * independent oracle that judges the results. Nothing here uses linkrescue code.
 *
 * <ol>
 *   <li>{@link org.linkrescue.testdata.SnapshotTreeGenerator} builds a tree the way users make
 *       backups ({@code cp -al} + {@code rsync -aH --delete} per date, seeded changes, odd
 *       entries) by running {@code make-snapshots.sh}; it returns a
 *       {@link org.linkrescue.testdata.SnapshotTree}.</li>
 *   <li>{@link org.linkrescue.testdata.TreeBuilder} writes small hand-made trees for unit tests.</li>
 *   <li>{@link org.linkrescue.testdata.TreeListing} lists a tree with GNU find, stat and
 *       sha256sum (types, modes, owners, sizes, ns mtimes, link targets, devices, content
 *       hashes, the inode partition) and names every difference between two trees.</li>
 *   <li>{@link org.linkrescue.testdata.FailingDrive} is a real failing drive (btrfs image on a
 *       loop device, root): chosen data blocks fail with EIO. {@link org.linkrescue.testdata.FaultFs}
 *       is a FUSE pass-through over a directory whose calls fail or stall by
 *       {@link org.linkrescue.testdata.Fault} rules set while it is mounted, and which counts
 *       every call: for stalls, EIO on any call (lstat, getdents, readlink, xattrs), reads held
 *       in the kernel (direct_io).</li>
 *   <li>{@link org.linkrescue.testdata.Commands} runs the real tools (LC_ALL=C, raw-byte output)
 *       and removes trees with paths over 4096 bytes, which {@code @TempDir} cannot.</li>
 * </ol>
 *
 * <p>Not guaranteed: content bytes are random (the seed fixes names, sizes, changes and
 * mtimes, not data); root-only entries (owners, devices) exist only when generated as root;
 * a path over 4096 bytes exists only in src/ and the newest snapshot (cp and rsync cannot copy
 * it); the listing ignores atime, ctime, link counts, directory sizes and xattrs/ACLs.
 */
package org.linkrescue.testdata;
