/**
 * The pipelines, assembled: each reads top to bottom and data moves one way.
 * <ol>
 *   <li>{@link org.linkrescue.migrate.pipeline.Evacuation} (archive, migrate): scan ->
 *       {@link org.linkrescue.migrate.pipeline.EntryMaker} -> link table -> content source ->
 *       read-ahead queue -> sink (disk, tar, or both);</li>
 *   <li>{@link org.linkrescue.migrate.pipeline.Extraction} (extract): tar reader -> content of
 *       the current tar entry -> disk sink.</li>
 * </ol>
 * The read-ahead runs the sink on its own thread behind a bounded queue; small files are read
 * into a fixed ring first when the sink consumes bytes. It does NOT choose the content source
 * (plain or rescue: the caller does), does not decide exit codes, and does not reorder entries:
 * the stream order is the scan order.
 */
package org.linkrescue.migrate.pipeline;
