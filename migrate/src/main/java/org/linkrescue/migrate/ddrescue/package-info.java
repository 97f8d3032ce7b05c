/**
 * A GNU ddrescue mapfile laid over the file system of an image: which bytes of which files the
 * image does not really hold. On ext4 and XFS (no data checksums) the sectors ddrescue could not
 * read are zeros in the image and read back without an error; only the mapfile knows them.
 * <ol>
 *   <li>{@link org.linkrescue.migrate.ddrescue.Mapfile} reads the mapfile strictly
 *       ({@link org.linkrescue.migrate.ddrescue.MapfileParser}): every block not finished
 *       ({@code ? * / -}), and whatever the list does not cover, is unrescued;</li>
 *   <li>{@link org.linkrescue.migrate.ddrescue.ImagePlacement} finds where SOURCE's file system
 *       lies in the image (sysfs: loop device, backing file, offset, partition start), or takes
 *       {@code --image-offset}; {@link org.linkrescue.migrate.ddrescue.DamageMap} checks the two
 *       agree and shifts the unrescued areas to the device ({@link
 *       org.linkrescue.migrate.ddrescue.UnrescuedAreas});</li>
 *   <li>{@link org.linkrescue.migrate.ddrescue.ExtentMapper} turns a file's extents (FIEMAP on the
 *       open descriptor) into its {@link org.linkrescue.migrate.ddrescue.FileDamage}: lost byte
 *       ranges, and ranges the file system cannot place (unverifiable);</li>
 *   <li>{@link org.linkrescue.migrate.ddrescue.MappedDrive} reads the image as a failing drive
 *       would: EIO in the lost ranges, short reads before them; the existing rescue does the
 *       rest (alternates, verified splicing, zeros and exit 3, provenance, every path named).</li>
 * </ol>
 * It does NOT:
 * <ul>
 *   <li>work on btrfs (FIEMAP gives btrfs's logical addresses; its checksums turn the image's
 *       holes into EIO anyway), on XFS realtime files (their extents are on the realtime device),
 *       or on any file system but ext2/3/4 and XFS;</li>
 *   <li>know of damage to metadata that FIEMAP does not show (extent tree blocks, xattr blocks,
 *       a slow symlink's target block, an inode's own record): {@code scan --ddrescue-map}
 *       lists such areas as belonging to no file's data, with what GETFSMAP says owns them;</li>
 *   <li>check that the image is the one the mapfile was written for, beyond its name in the
 *       mapfile's command line and its size.</li>
 * </ul>
 */
package org.linkrescue.migrate.ddrescue;
