package org.linkrescue.migrate.sink;

/** What the disk sink made so far, counted by its rooms on one thread (each lane has its own). */
final class MadeCounts {
    long files, bytes, links, linkCopies, dirs, symlinks, specials, refused, failed;

    DiskSink.Counts snapshot() {
        return new DiskSink.Counts(files, bytes, links, linkCopies, dirs, symlinks, specials, refused, failed);
    }

    /** The sum of several lanes' counts (each read once its lane is idle). */
    static DiskSink.Counts sum(Iterable<MadeCounts> all) {
        MadeCounts t = new MadeCounts();
        for (MadeCounts c : all) {
            t.files += c.files;
            t.bytes += c.bytes;
            t.links += c.links;
            t.linkCopies += c.linkCopies;
            t.dirs += c.dirs;
            t.symlinks += c.symlinks;
            t.specials += c.specials;
            t.refused += c.refused;
            t.failed += c.failed;
        }
        return t.snapshot();
    }
}
