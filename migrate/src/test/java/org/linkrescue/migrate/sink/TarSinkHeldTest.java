package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.TarReader;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/**
 * A file a rescue in passes left pending is held back to the end of the archive with its links,
 * and the directories they go into are written again after them (so GNU tar, which sets a
 * directory's mtime as it leaves it, sets it once more). A resumed stream begins below
 * directories the stopped run wrote: told of them ({@link TarSink#writtenAbove}), the sink
 * writes them again as they were when a held entry goes into one.
 */
class TarSinkHeldTest {
    @TempDir Path spool;

    static Entry entry(String path, EntryType t, long size, String target, int nsec) {
        return new Entry(Names.bytes(path), t, t == EntryType.DIRECTORY ? 0755 : 0644, 0, 0, Names.bytes("root"),
                Names.bytes("root"), size, 1_700_000_000L, nsec, target == null ? null : Names.bytes(target), 0, 0,
                t == EntryType.DIRECTORY ? Map.of("SCHILY.xattr.user.dir", Names.bytes(path)) : null);
    }

    static Entry dir(String path) { return entry(path, EntryType.DIRECTORY, 0, null, path.length()); }

    /** size zeros of provenance p (pending: a rescue in passes has still to settle them, as pass 1 delivers a damaged file). */
    static Content content(int size, Provenance p) {
        return new Content() {
            @Override public long size() { return size; }
            @Override public void feed(Chunks c) throws IOException { c.accept(new byte[size], 0, size); }
            @Override public Provenance provenance() { return p; }
        };
    }

    interface Stream {
        void into(TarSink t) throws IOException;
    }

    /** The entries of the archive a sink holding pending files back writes of stream. */
    List<String> archive(Stream stream) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarSink t = TarSink.open(out, Compression.NONE, 1, c -> Map.of()).holdPendingIn(spool)) {
            stream.into(t);
            t.finish();
        }
        return entries(out.toByteArray());
    }

    /** The entries of the archive, in order: path and, for a directory, its mtime's nanoseconds and xattr. */
    static List<String> entries(byte[] tar) throws IOException {
        List<String> out = new ArrayList<>();
        TarReader r = new TarReader(new ByteArrayInputStream(tar));
        for (Entry e; (e = r.next()) != null; ) {
            String p = Names.latin1(e.path());
            byte[] x = e.extra() == null ? null : e.extra().get("SCHILY.xattr.user.dir");
            out.add(e.type() == EntryType.DIRECTORY ? p + " " + e.mtimeNsec() + " " + (x == null ? "-" : Names.latin1(x)) : p);
        }
        return out;
    }

    @Test
    void t01_aResumedStreamsHeldFile_itsDirectoryAboveTheResumePointIsWrittenAgainAfterIt_asTheStoppedRunWroteIt() throws IOException {
        List<String> written = archive(t -> {
            t.writtenAbove(dir("."));
            t.writtenAbove(dir("s1"));
            t.writtenAbove(dir("s1/a"));
            t.accept(entry("s1/a/d.bin", EntryType.FILE, 10, null, 0), content(10, Provenance.CLEAN.asPending()));
            t.accept(dir("s2"), null);
            t.accept(dir("s2/a"), null);
            t.accept(entry("s2/a/d.bin", EntryType.HARDLINK, 0, "s1/a/d.bin", 0), null);
        });
        assertEquals(List.of("s2 2 s2", "s2/a 4 s2/a", "s1/a/d.bin", "s2/a/d.bin", "s1/a 4 s1/a", "s2/a 4 s2/a"), written);
    }

    @Test
    void t02_withNothingHeld_theDirectoriesAboveAreNotWrittenAgain() throws IOException {
        List<String> written = archive(t -> {
            t.writtenAbove(dir("."));
            t.writtenAbove(dir("s1"));
            t.accept(entry("s1/f", EntryType.FILE, 3, null, 0), content(3, Provenance.CLEAN));
        });
        assertEquals(List.of("s1/f"), written);
    }
}
