package org.linkrescue.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * putSparseEntry writes what GNU tar --sparse-version=1.0 writes, and our reader gives it back:
 * the real name and size, the runs, the data where it was, holes skipped without a byte read.
 */
class SparseEntryTest {
    static final long MiB = 1 << 20;

    static byte[] archive(String path, long size, long[] runs, String data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter w = new TarWriter(out)) {
            w.putSparseEntry(TarWriterTest.file(path, size), runs);
            w.write(Names.bytes(data));
            w.closeEntry();
            w.putEntry(TarWriterTest.file("after", 2));
            w.write(Names.bytes("ok"));
            w.closeEntry();
        }
        return out.toByteArray();
    }

    @Test
    void t01_aSparseEntryRoundTripsWithItsRunsAndAnEmptyRunAtAnEndInAHole() throws IOException {
        byte[] tar = archive("dir/vm.img", 10 * MiB, new long[] {0, 3, 5 * MiB, 2}, "abcde");
        try (TarReader r = new TarReader(new ByteArrayInputStream(tar))) {
            Entry e = r.next();
            assertEquals("dir/vm.img", Names.latin1(e.path()));
            assertEquals(10 * MiB, e.size());
            assertTrue(r.isSparse());
            assertArrayEquals(new long[] {0, 3, 5 * MiB, 2, 10 * MiB, 0}, r.sparseRuns(), "GNU tar's empty last run");
            assertEquals(0, r.skipHole());
            byte[] b = new byte[8];
            assertEquals(3, r.read(b, 0, 8));
            assertEquals(5 * MiB, r.skipHole());
            assertEquals(2, r.read(b, 3, 5));
            assertArrayEquals(Names.bytes("abcde"), java.util.Arrays.copyOf(b, 5));
            assertEquals(10 * MiB, r.skipHole());
            assertEquals("after", Names.latin1(r.next().path()));
            assertNull(r.next());
        }
        String headers = Names.latin1(tar);
        assertTrue(headers.contains("dir/GNUSparseFile.0/vm.img"), "the stored form has a name of its own");
        assertTrue(headers.contains("GNU.sparse.name=dir/vm.img\n") && headers.contains("GNU.sparse.realsize=10485760\n"));
    }

    @Test
    void t02_theMapIsPaddedToABlockAndAFileAllHoleIsOneEmptyRun() {
        assertEquals(512, TarWriter.sparseMap(new long[] {0, 3}, 3).length);
        assertEquals("1\n100\n0\n", Names.latin1(TarWriter.sparseMap(new long[0], 100)).replace("\0", ""));
        assertThrows(IllegalArgumentException.class, () -> TarWriter.sparseMap(new long[] {10, 5, 12, 1}, 100), "overlapping runs");
        assertThrows(IllegalArgumentException.class, () -> TarWriter.sparseMap(new long[] {90, 20}, 100), "past the end");
    }

    @Test
    void t03_dataThatDoesNotFillTheRunsIsAnErrorNotAShortArchive() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter w = new TarWriter(out);
        w.putSparseEntry(TarWriterTest.file("f", MiB), new long[] {0, 10});
        w.write(Names.bytes("short"));
        assertTrue(assertThrows(IOException.class, w::closeEntry).getMessage().startsWith("Entry 'GNUSparseFile.0/f' closed at "));
    }
}
