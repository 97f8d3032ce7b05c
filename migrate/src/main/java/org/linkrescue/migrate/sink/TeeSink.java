package org.linkrescue.migrate.sink;

import java.io.IOException;
import org.linkrescue.archive.Entry;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Checkpointable;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.SparseData;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.PendingFiles;
import org.linkrescue.migrate.stream.Provenance;

/**
 * One read, two outputs: `migrate --archive-copy` writes the target tree and the portable
 * archive from the same pass over the failing drive. The tar header goes first; then the disk
 * sink pulls the content, and every chunk it takes is written to the archive too. The disk side
 * never gets a descriptor to copy from (the bytes must pass through here once, for both). If the
 * disk sink leaves an entry's data unread (it refused the entry), the archive still gets it.
 */
public final class TeeSink implements EntrySink, PendingFiles, Checkpointable {
    private final DiskSink disk;
    private final TarSink tar;

    public TeeSink(DiskSink disk, TarSink tar) {
        this.disk = disk;
        this.tar = tar;
    }

    @Override
    public long completed() { return Math.min(disk.completed(), tar.completed()); }

    @Override
    public void quiesce() { disk.quiesce(); }


    /**
     * Both outputs at one point: the disk side first finishes what its data threads hold (the
     * archive has every entry given by now), then the archive ends its frame.
     */
    @Override
    public Mark mark() throws IOException {
        disk.drain();
        Mark d = disk.mark();
        Mark t = tar.mark();
        // The archive may be behind (entries held back for a rescue in passes): the point is its.
        if (d.completed() < t.completed()) {
            throw new IOException("the tree holds " + d.completed() + " entries complete, the archive " + t.completed()
                    + ": no checkpoint here");
        }
        return new Mark(t.completed(), t.outputs(), () -> {
            d.sync().run();
            t.sync().run();
        });
    }

    @Override
    public void accept(Entry entry, Content content) throws IOException {
        if (content == null) {
            tar.accept(entry, null);
            disk.accept(entry, null);
            return;
        }
        SparseData sparse = content.as(SparseData.class);
        tar.begin(entry, content, sparse);
        Both both = new Both(content, sparse, tar.data());
        disk.accept(entry, both);
        if (!both.fed) {
            if (sparse != null) sparse.feedData((at, b, off, len) -> tar.data().accept(b, off, len));
            else content.feed(tar.data());
        }
        tar.end();
    }

    /** The archive writes a directory again after its held entries; the tree needs nothing of those the stopped run made. */
    @Override
    public void writtenAbove(Entry dir) { tar.writtenAbove(dir); }

    /**
     * The file both sides made or hold for the FILE entry at path: read from the disk's (the
     * archive holds the same bytes), written to both, completed in both.
     */
    @Override
    public PendingFile reopen(byte[] path, Stat scanned) throws IOException {
        PendingFile d = disk.reopen(path, scanned);
        PendingFile t = tar.reopen(path, scanned);
        if (d == null || t == null) return d == null ? t : d;
        return new PendingFile() {
            @Override public void read(long off, byte[] b, int from, int len) throws IOException { d.read(off, b, from, len); }

            @Override
            public void write(long off, byte[] b, int from, int len) throws IOException {
                d.write(off, b, from, len);
                t.write(off, b, from, len);
            }

            @Override
            public void complete(Provenance p) throws IOException {
                d.complete(p);
                t.complete(p);
            }

            @Override
            public void close() throws IOException {
                try {
                    d.close();
                } finally {
                    t.close();
                }
            }
        };
    }

    /**
     * The archive first (its end marker), then the tree: the tree's last step, its directories'
     * metadata, then comes after everything else (a rescue map's completion renames the archive
     * and removes the map just before the root's metadata, see {@link DiskSink.Finishing}).
     */
    @Override
    public void finish() throws IOException {
        tar.finish();
        disk.finish();
    }

    @Override
    public void close() throws IOException {
        try {
            disk.close();
        } finally {
            tar.close();
        }
    }

    /**
     * The content as the disk side sees it: bytes only, each one also written to the archive;
     * with holes, the data runs alone, for both.
     */
    private static final class Both implements Content, SparseData {
        private final Content inner;
        private final SparseData sparse;
        private final Chunks tar;
        boolean fed;

        Both(Content inner, SparseData sparse, Chunks tar) {
            this.inner = inner;
            this.sparse = sparse;
            this.tar = tar;
        }

        @Override
        public <A> A as(Class<A> ability) {
            return ability == SparseData.class && sparse == null ? null : Content.super.as(ability);
        }

        @Override public long[] runs() { return sparse.runs(); }

        @Override
        public void feedData(DataChunks out) throws IOException {
            if (fed) throw new IllegalStateException("content fed twice");
            fed = true;
            sparse.feedData((at, b, off, len) -> {
                tar.accept(b, off, len);
                out.accept(at, b, off, len);
            });
        }

        @Override public long size() { return inner.size(); }
        @Override public Provenance provenance() { return inner.provenance(); }

        @Override
        public void feed(Chunks out) throws IOException {
            if (fed) throw new IllegalStateException("content fed twice");
            fed = true;
            inner.feed((b, off, len) -> {
                tar.accept(b, off, len);
                out.accept(b, off, len);
            });
        }

        /** The inner content is closed by whoever handed it to the tee. */
        @Override public void close() {}
    }
}
