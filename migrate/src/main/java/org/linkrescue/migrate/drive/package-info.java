/**
 * Reading a failing drive: every call that touches it, timed, and the bookkeeping of what it
 * could not read. Used by the rescue ({@code migrate.rescue}), by verify's reads of SOURCE
 * ({@code migrate.verify.ReadThrough}) and by the scan's read test ({@code migrate.inventory}).
 * <ol>
 *   <li>{@link org.linkrescue.migrate.drive.BlockReader} is the seam between the drive and
 *       everything above it ({@link org.linkrescue.migrate.drive.PosixBlockReader}: the real
 *       system calls; unit tests put faults there);</li>
 *   <li>{@link org.linkrescue.migrate.drive.TimedReads} runs each open, read and chunk copy on a
 *       worker thread and waits at most the read timeout; a call that hangs costs its worker
 *       (given up for lost) and throws {@link org.linkrescue.migrate.drive.ReadTimeoutException};</li>
 *   <li>{@link org.linkrescue.migrate.drive.RescueReader} reads a damaged range in chunks, then
 *       block by block with retries, into a {@link org.linkrescue.migrate.drive.ByteStore} (the
 *       rescue's spool), and records what fails in {@link org.linkrescue.migrate.drive.BadRanges}
 *       ({@link org.linkrescue.migrate.drive.ByteRange}s, merged);</li>
 *   <li>{@link org.linkrescue.migrate.drive.KernelCopies} says whether large files move inside
 *       the kernel in this run (sendfile), {@link org.linkrescue.migrate.drive.SeekFreeReads}
 *       whether a file may be read beside another without making the drive seek.</li>
 * </ol>
 * It does NOT guarantee that a call stuck in the kernel ends: its worker is a daemon thread left
 * where the kernel holds it. Nothing here decides what to do about damage (splicing, reports):
 * that is the rescue's job.
 */
package org.linkrescue.migrate.drive;
