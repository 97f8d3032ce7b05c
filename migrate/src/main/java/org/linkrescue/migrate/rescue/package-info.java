/**
 * Step 3 of the pipeline, the rescue way: read each inode through a failing drive and splice
 * verified good data from alternates where the drive cannot read.
 * <ol>
 *   <li>{@link org.linkrescue.migrate.rescue.RescueContentSource} opens the file (O_NOFOLLOW,
 *       O_NOATIME) and checks it is the inode the scan saw;</li>
 *   <li>{@link org.linkrescue.migrate.rescue.RescueContent} streams it in 1 MiB reads, each on a
 *       worker thread with a timeout ({@link org.linkrescue.migrate.drive.TimedReads}), straight
 *       to the sink: an undamaged file costs nothing more (a disk sink lets two read workers
 *       write a large file's chunks straight into its file at their offsets, each chunk whole
 *       or never, timed the same way; from a drive that does not seek for it, {@link
 *       org.linkrescue.migrate.drive.SeekFreeReads}, such a file may be handed to the sink's
 *       data thread, so two are copied at once);</li>
 *   <li>at the first failed read, {@link org.linkrescue.migrate.drive.RescueReader} reads the
 *       rest block by block (with retries) into a {@link org.linkrescue.migrate.rescue.Spool} on a
 *       healthy disk and records the {@link org.linkrescue.migrate.drive.BadRanges}; the bytes
 *       already delivered are read again into the spool so candidates meet every readable byte;</li>
 *   <li>{@link org.linkrescue.migrate.rescue.CandidateFinder} names candidates in the alternates
 *       (mirror: same snapshot, then every other snapshot; original: the path below the
 *       snapshot), {@link org.linkrescue.migrate.rescue.CandidateVerifier} accepts the first whose
 *       type, size, mtime and every readable byte agree;</li>
 *   <li>{@link org.linkrescue.migrate.rescue.Splicer} delivers the rest: the drive's bytes, the
 *       candidate's for the bad ranges, or zeros; the SHA-256 is taken on the way;</li>
 *   <li>{@link org.linkrescue.migrate.rescue.RescueReport} keeps one record per damaged inode;
 *       {@link org.linkrescue.migrate.rescue.ProvenancePax} turns provenance into PAX records.</li>
 * </ol>
 * It does NOT guarantee:
 * <ul>
 *   <li>that candidates come from every path of a hard-linked inode: at open only the first path
 *       is known, so candidates are that path's R under every snapshot of a mirror and in each
 *       original (a link renamed in a later snapshot offers nothing);</li>
 *   <li>that a read stuck in the kernel ends: its worker thread is abandoned (a daemon), and the
 *       rest of that file counts as unreadable;</li>
 *   <li>that every readable byte is compared with candidates: bytes delivered before the first
 *       failure that fail when read again are not (and the SHA-256 is then reported as null);</li>
 *   <li>that an entry's own archive header carries the provenance: a tar sink learns it before
 *       the header only for contents read ahead (files up to 16 MiB); a larger file's records
 *       follow its data as late records (a pax global header naming it), which a reader that
 *       knows only in-header records does not connect to the entry;</li>
 *   <li>a consistent copy of a file that changes while it is read.</li>
 * </ul>
 */
package org.linkrescue.migrate.rescue;
