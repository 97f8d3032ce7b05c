/**
 * The last step of the pipeline: prove that a copy equals its source, path for path and link
 * for link.
 * <ol>
 *   <li>{@link org.linkrescue.migrate.verify.TreeVerifier} walks SOURCE and TARGET in lockstep
 *       (each directory pair listed, sorted bytewise, merged), compares type, mode (setuid,
 *       setgid, sticky), uid/gid, mtime to the ns (directories and symlinks too, the root
 *       included), symlink target bytes, device numbers, extended attributes
 *       ({@link org.linkrescue.migrate.verify.XattrCheck}, once per inode) and content, and
 *       checks the hard-link partition both ways (broken link, merged link);</li>
 *   <li>content is read once per inode and side, its holes never
 *       ({@link org.linkrescue.migrate.verify.ContentReader}): SOURCE through {@link org.linkrescue.migrate.verify.ReadThrough}, whose unreadable
 *       blocks are "unverifiable", never mismatches; with a rescue report
 *       ({@link org.linkrescue.migrate.verify.RescueHashes}) spliced inodes are checked against
 *       the SHA-256 the rescue wrote;</li>
 *   <li>{@link org.linkrescue.migrate.verify.ArchiveVerifier} checks a tar archive against a tree
 *       without extracting it, then walks the tree for paths the archive lacks;</li>
 *   <li>{@link org.linkrescue.migrate.verify.FindingLog} counts, keeps a few examples per kind
 *       and streams every finding to JSON; {@link org.linkrescue.migrate.verify.VerifySummary}
 *       prints the one-screen summary.</li>
 * </ol>
 * Memory: tree mode keeps nothing per path, only per inode whose links are still to come on
 * either side (first path, partner inode, two SHA-256) and the name lists of the directories on
 * the current walk path: a million paths fit in a 64 MiB heap. Archive mode keeps 16 bytes per
 * archive path (a 128-bit hash, in a table at most 3/4 full) to find the missing paths.
 *
 * <p>It does NOT guarantee: a consistent view of trees that change while compared; that an open
 * or a TARGET read which hangs ends (SOURCE's reads are timed when the verifier is given
 * {@link org.linkrescue.migrate.drive.TimedReads}, as the CLI does: a hung one leaves the rest of
 * its file unverifiable); atime or ctime
 * being compared ({@link org.linkrescue.migrate.verify.XattrCheck} compares extended attributes,
 * ACLs included, but in archive mode only our and GNU tar's SCHILY.xattr records and bsdtar's
 * LIBARCHIVE.xattr ones: text ACL records are not read there); hard links whose other paths lie outside the tree being
 * noticed (an inode whose links never all appear stays tracked to the end, harmlessly). In
 * archive mode, mtimes are compared to the nanosecond: an archive format that keeps only
 * seconds (GNU tar's default gnu format, ustar) shows as mtime differences, truthfully.
 */
package org.linkrescue.migrate.verify;
