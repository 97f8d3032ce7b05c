/**
 * The rescue map: what lets a run of migrate, archive or extract be stopped at any point and
 * resumed at the same point (docs/rescue-map.md).
 * <ol>
 *   <li>{@link org.linkrescue.migrate.map.RescueMap} makes the map (a fresh run) or reads it and
 *       checks the options (--resume), and hands a resumed run's stages their state;</li>
 *   <li>{@link org.linkrescue.migrate.map.Checkpoints}, in front of the sink, writes a checkpoint
 *       every few seconds and at every stop: the number of leading entries complete, made durable
 *       first, and what they left behind ({@link org.linkrescue.migrate.map.MapRecords} writes
 *       the lines, {@link org.linkrescue.migrate.map.MapFile} appends and fsyncs them);</li>
 *   <li>a resumed migrate first removes what TARGET holds after the last complete entry
 *       ({@link org.linkrescue.migrate.map.TargetCleanup}, in {@link org.linkrescue.migrate.map.WalkOrder}).</li>
 * </ol>
 * It does not prove a file written after the last checkpoint complete (it is made again), and
 * keeps no map for an archive written to standard output.
 */
package org.linkrescue.migrate.map;
