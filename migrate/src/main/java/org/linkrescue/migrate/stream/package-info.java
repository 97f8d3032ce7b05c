/**
 * The entry stream that joins the pipeline's two halves: a producer (the scan of a tree, or a tar
 * reader) hands {@link org.linkrescue.archive.Entry} plus {@link Content} to an
 * {@link EntrySink} (disk, tar, or both). Because both sinks take the same stream,
 * `migrate` is `archive | extract` without the serialize/parse round trip.
 */
package org.linkrescue.migrate.stream;
