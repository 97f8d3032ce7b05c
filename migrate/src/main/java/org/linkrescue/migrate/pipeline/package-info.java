/**
 * The pipelines, assembled: each reads top to bottom and data moves one way.
 * <ol>
 *   <li>{@link org.linkrescue.migrate.pipeline.Evacuation} (archive, migrate): scan ->
 *       {@link org.linkrescue.migrate.pipeline.EntryMaker} -> link table -> content source ->
 *       read-ahead queue -> sink (disk, tar, or both);</li>
 *   <li>{@link org.linkrescue.migrate.pipeline.Extraction} (extract): tar reader -> content of
 *       the current tar entry -> disk sink. An uncompressed archive in a regular file
 *       ({@link org.linkrescue.migrate.pipeline.ArchiveFile}) is read by offset: the reader
 *       reads headers and seeks over the data, which the sink copies kernel-side from the
 *       archive (sparse entries, and data past the file's end, are read as from a stream).</li>
 * </ol>
 * The read-ahead runs the sink on its own thread behind a bounded queue; when the sink consumes
 * bytes, files up to 16 MiB are read into a fixed ring by reader threads in parallel (room
 * reserved in stream order), so their provenance is known before their tar header is written.
 * It does NOT choose the content source (plain or rescue: the caller does), does not decide
 * exit codes, and does not reorder entries: the stream order is the scan order. A file larger
 * than the pre-read limit that turns out damaged while streaming cannot be marked in its tar
 * header (already written): the tar sink writes its records after its data as late records,
 * and extraction reports them as it reports records from a header.
 */
package org.linkrescue.migrate.pipeline;
