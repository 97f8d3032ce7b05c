/**
 * Step 1 of the pipeline: find every path of a tree and decide, per inode, which path carries
 * its data.
 * <ol>
 *   <li>{@link org.linkrescue.migrate.scan.TreeScanner} walks depth-first in bytewise name order,
 *       by directory descriptors, never following symlinks, never crossing filesystems;</li>
 *   <li>{@link org.linkrescue.migrate.scan.LinkTable} turns every later path of a linked inode
 *       into a hard link to its first path.</li>
 * </ol>
 * It does not read file data and does not guarantee a consistent view of a tree that changes
 * while it is walked (a snapshot drive being rescued is mounted read-only).
 */
package org.linkrescue.migrate.scan;
