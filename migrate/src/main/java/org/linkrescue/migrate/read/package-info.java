/**
 * Step 3 of the pipeline, the plain way: read a file's data from the source as it is.
 * <ol>
 *   <li>{@link org.linkrescue.migrate.read.PlainContentSource} opens the file below the scan's
 *       directory descriptor (O_NOFOLLOW, O_NOATIME when allowed) and checks it is still the
 *       inode the scan saw;</li>
 *   <li>{@link org.linkrescue.migrate.read.PlainContent} hands its descriptor out for a
 *       kernel-side copy, or feeds exactly the scanned size in 1 MiB preads.</li>
 * </ol>
 * It does NOT retry, re-read in small blocks or splice from alternates (that is
 * {@code migrate.rescue}): at the first read error the rest of the file is zero-filled and
 * reported. It does not guarantee a consistent copy of a file that changes while it is read.
 */
package org.linkrescue.migrate.read;
