/**
 * Reading a failing drive: every call that touches it, timed, and the bookkeeping of what it
 * could not read. Used by the rescue ({@code migrate.rescue}), by verify's reads of SOURCE
 * ({@code migrate.verify.ReadThrough}) and by the scan's read test ({@code migrate.inventory}).
 * <ol>
 *   <li>{@link org.linkrescue.migrate.drive.BlockReader} is the seam between the drive and
 *       everything above it ({@link org.linkrescue.migrate.drive.PosixBlockReader}: the real
 *       system calls; unit tests put faults there);</li>
 *   <li>{@link org.linkrescue.migrate.drive.TimedCalls} runs any call that may hang on a
 *       worker thread of the caller's ({@link org.linkrescue.migrate.drive.TimedWorker}: one call
 *       at a time, and the call's life from begun to taken or given up) and waits at most the
 *       timeout; a call that hangs costs its worker (given up for lost, a daemon left where the
 *       kernel holds it) and throws {@link org.linkrescue.migrate.drive.ReadTimeoutException};
 *       {@link org.linkrescue.migrate.drive.CallState} is where a call that may be given up
 *       stands, so one past its point of no return (a write, a hand-over) is waited for;</li>
 *   <li>on those workers: {@link org.linkrescue.migrate.drive.TimedReads} reads into the
 *       caller's array (copied there on the caller's thread, only from a read that came back in
 *       time), {@link org.linkrescue.migrate.drive.TimedOpens} opens files, one at a time or in
 *       runs that also read small files whole, {@link org.linkrescue.migrate.drive.ChunkCopies}
 *       moves a large file's chunks (double-buffered reads, copies written at their offset,
 *       kernel-side copies);</li>
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
