/**
 * What is on a snapshot drive, and where it is damaged.
 * <ol>
 *   <li>{@link org.linkrescue.migrate.inventory.Inventory} walks the tree once
 *       ({@link org.linkrescue.migrate.scan.TreeScanner}) and counts per snapshot (the first
 *       --snapshot-depth components) and in all: paths, inodes, hard-link histogram, unique and
 *       apparent bytes, special files;</li>
 *   <li>with the read test, each regular inode is read once, at its first path, through the
 *       rescue reader ({@link org.linkrescue.migrate.rescue.RescueContentSource} without
 *       alternates: block-wise re-reads, retries, read timeout); later paths of a damaged inode
 *       are added as the walk meets them, so each damaged inode is listed with ALL its paths;</li>
 *   <li>{@link org.linkrescue.migrate.inventory.InventoryReport} prints the summary and writes
 *       the JSON.</li>
 * </ol>
 * "New bytes" of a snapshot are the bytes of the inodes first met in it, in walk order (bytewise
 * sorted snapshot names: date-stamped names sort by date). It does NOT count sockets (the scan
 * leaves them out with a warning), does not detect damage in directories other than as read
 * errors (counted as errors), and needs an inode's links to stay on one filesystem.
 */
package org.linkrescue.migrate.inventory;
