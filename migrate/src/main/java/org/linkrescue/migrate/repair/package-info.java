/**
 * `repair`: replaces each damaged inode of SOURCE by a new inode on the same filesystem
 * holding the good data, and moves every one of its hard links to it.
 * <ol>
 *   <li>{@link org.linkrescue.migrate.repair.JournalResumer} completes a killed run's journal
 *       first (paths still on an old inode are moved, leftover temp names removed);</li>
 *   <li>a {@link org.linkrescue.migrate.repair.DamageFinder} names the damaged inodes (a read
 *       test, or `scan --read-test` JSON); {@code PathCollector} finds all their paths in one
 *       scan;</li>
 *   <li>a {@link org.linkrescue.migrate.repair.GoodDataSource} gives each one's good bytes (the
 *       drive's readable ranges plus a verified candidate's for the bad ones), or says there is
 *       none: such an inode is left as it is and reported;</li>
 *   <li>{@code InodeRepairer}: journal the plan (fsynced), write the new file under a temp name
 *       beside the first path with the old mode, owner, ns times and xattrs
 *       ({@code NewInodeWriter}), journal "created", then {@code PathMover} links it beside
 *       each path and renames it over the path; the last path takes the temp name itself;</li>
 *   <li>{@link org.linkrescue.migrate.repair.RepairReport} writes the JSON report.</li>
 * </ol>
 * What it does NOT guarantee: links of an inode outside SOURCE are not found (they are counted:
 * such an inode is refused unless --allow-partial, and then those links keep the damaged data);
 * a path changed by someone else during the run is left alone; the old inode's ctime and
 * inode number are necessarily new; the old inode's data is freed once its last path moves.
 * The tree must not be modified by others while the repair runs.
 */
package org.linkrescue.migrate.repair;
