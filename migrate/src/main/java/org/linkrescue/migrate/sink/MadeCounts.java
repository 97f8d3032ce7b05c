package org.linkrescue.migrate.sink;

/** What the disk sink made so far, counted by its rooms on the sink's thread only. */
final class MadeCounts {
    long files, bytes, links, linkCopies, dirs, symlinks, specials, refused, failed;

    DiskSink.Counts snapshot() {
        return new DiskSink.Counts(files, bytes, links, linkCopies, dirs, symlinks, specials, refused, failed);
    }
}
