package org.linkrescue.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.ReadLimits.Limit;

/**
 * Memory bombs stop at the limit, before the memory is taken: a header is refused on its
 * declared size, a sparse map at its first run past the limit, a path on its length and depth.
 * Every limit can be raised, and then the same archive reads.
 */
class TarReaderLimitsTest {
    static final ReadLimits SMALL = new ReadLimits(4096, 16384, 1000, 20, 50);

    static LimitExceededException refused(InputStream tar, ReadLimits limits) {
        return assertThrows(LimitExceededException.class, () -> {
            try (TarReader r = new TarReader(tar, limits)) {
                while (r.next() != null) r.transferTo(java.io.OutputStream.nullOutputStream());
            }
        });
    }

    static LimitExceededException refused(byte[] tar, ReadLimits limits) {
        return refused(new ByteArrayInputStream(tar), limits);
    }

    static int entries(byte[] tar, ReadLimits limits) throws IOException {
        int n = 0;
        try (TarReader r = new TarReader(new ByteArrayInputStream(tar), limits)) {
            while (r.next() != null) {
                r.transferTo(java.io.OutputStream.nullOutputStream());
                n++;
            }
        }
        return n;
    }

    @Test
    void t01_aHugePaxHeaderIsRefusedOnItsDeclaredSizeBeforeAByteOfItIsRead() {
        // 60 MiB declared, nothing follows: a refusal, not "truncated", proves nothing was read or allocated.
        byte[] tar = new RawTar().add(new RawTar.Header("PaxHeader", 'x', 60L << 20)).bytes();
        LimitExceededException e = refused(tar, ReadLimits.DEFAULTS);
        assertEquals(Limit.HEADER_BYTES, e.limit());
        assertEquals("pax header of 62,914,560 bytes at byte offset 0: over the limit of 16,777,216 bytes", e.getMessage());
        byte[] gnu = new RawTar().add(new RawTar.Header("././@LongLink", 'L', 5000).gnuMagic()).bytes();
        assertEquals("GNU long name of 5,000 bytes at byte offset 0: over the limit of 4,096 bytes", refused(gnu, SMALL).getMessage());
    }

    @Test
    void t02_manyPaxHeadersForOneEntryAddUpToTheEntryLimit() {
        RawTar t = new RawTar();
        for (int i = 0; i < 6; i++) t.pax('x', "LIBARCHIVE.k" + i + "=" + "v".repeat(3000));
        byte[] tar = t.add(new RawTar.Header("a", '0', 0)).end().bytes();
        LimitExceededException e = refused(tar, SMALL);
        assertEquals(Limit.ENTRY_BYTES, e.limit());
        assertEquals("a pax header at byte offset 17920 brings one entry's metadata to 18,120 bytes: over the limit of 16,384 bytes",
                e.getMessage());
    }

    @Test
    void t03_globalRecordsThatPileUpAcrossEntriesAreRefused() {
        RawTar t = new RawTar();
        for (int i = 0; i < 6; i++) t.pax('g', "LIBARCHIVE.g" + i + "=" + "v".repeat(3000)).add(new RawTar.Header("f" + i, '0', 0));
        LimitExceededException e = refused(t.end().bytes(), SMALL);
        assertEquals(Limit.ENTRY_BYTES, e.limit());
    }

    @Test
    void t04_aPathTooLongOrTooDeepIsRefusedWhereverItComesFrom() {
        byte[] longPax = new RawTar().pax('x', "path=" + "n".repeat(1001)).add(new RawTar.Header("a", '0', 0)).end().bytes();
        assertEquals("path of 1,001 bytes in the entry at byte offset 1536: over the limit of 1,000 bytes",
                refused(longPax, SMALL).getMessage());
        byte[] deepGnu = new RawTar().add(new RawTar.Header("././@LongLink", 'L', 42).gnuMagic()).data("a/".repeat(21))
                .add(new RawTar.Header("x", '0', 0).gnuMagic()).end().bytes();
        LimitExceededException e = refused(deepGnu, SMALL);
        assertEquals(Limit.PATH_DEPTH, e.limit());
        assertEquals("path 21 levels deep in the entry at byte offset 1024: over the limit of 20 levels", e.getMessage());
        byte[] deepLink = new RawTar().pax('x', "linkpath=" + "./l".repeat(21)).add(new RawTar.Header("s", '2', 0)).end().bytes();
        assertEquals(Limit.PATH_DEPTH, refused(deepLink, SMALL).limit());
        byte[] deepSparseName = new RawTar().pax('x', "GNU.sparse.name=" + "d/".repeat(30) + "f", "GNU.sparse.size=0",
                "GNU.sparse.map=").add(new RawTar.Header("GNUSparseFile.0/f", '0', 0)).end().bytes();
        assertEquals(Limit.PATH_DEPTH, refused(deepSparseName, SMALL).limit());
    }

    @Test
    void t05_aPathExactlyAtTheLimitsIsRead() throws IOException {
        byte[] tar = new RawTar().pax('x', "path=" + "./a".repeat(20)).add(new RawTar.Header("a", '0', 0)).end().bytes();
        assertEquals(1, entries(tar, SMALL), "'.' components are not levels");
        assertEquals(0, MetadataBudget.depth(Names.bytes("././/")));
        assertEquals(3, MetadataBudget.depth(Names.bytes("/a//b/c/")));
    }

    /** An old GNU sparse header whose map goes on in extension blocks, each 21 runs of 1 byte. */
    static InputStream oldGnuSparseBomb(long extensionBlocks) {
        RawTar.Header h = new RawTar.Header("bomb", 'S', 0).gnuMagic();
        for (int i = 0; i < 4; i++) h.put(386 + 24 * i, String.format("%011o", 2L * i)).put(398 + 24 * i, "00000000001");
        h.b[482] = 1;
        h.put(483, String.format("%011o", 1L << 40));
        byte[] ext = new byte[512];
        for (int i = 0; i < 21; i++) {
            System.arraycopy(Names.bytes(String.format("%011o", 1000L + 2 * i)), 0, ext, 24 * i, 11);
            System.arraycopy(Names.bytes("00000000001"), 0, ext, 24 * i + 12, 11);
        }
        ext[504] = 1;
        byte[] head = h.bytes();
        return new SequenceInputStream(new ByteArrayInputStream(head), new InputStream() {
            long left = extensionBlocks * 512;

            @Override public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override public int read(byte[] b, int off, int len) {
                if (left <= 0) return -1;
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) b[off + i] = ext[(int) ((extensionBlocks * 512 - left + i) % 512)];
                left -= n;
                return n;
            }
        });
    }

    @Test
    void t06_aSparseMapIsRefusedAtItsFirstRunPastTheLimitInEveryForm() {
        // 4 GiB of extension blocks: stopped after the limit's worth (here 50 runs: 3 blocks).
        LimitExceededException e = refused(oldGnuSparseBomb(8L << 20), SMALL);
        assertEquals(Limit.SPARSE_RUNS, e.limit());
        assertEquals("sparse map of the entry at byte offset 0: over the limit of 50 runs", e.getMessage());
        StringBuilder map = new StringBuilder();
        for (int i = 0; i < 51; i++) map.append(i == 0 ? "" : ",").append(10 * i).append(",1");
        byte[] pax01 = new RawTar().pax('x', "GNU.sparse.name=f", "GNU.sparse.size=1000", "GNU.sparse.map=" + map)
                .add(new RawTar.Header("f", '0', 51)).data("x".repeat(51)).end().bytes();
        assertEquals(Limit.SPARSE_RUNS, refused(pax01, SMALL).limit());
        String count = "99999999999\n"; // refused on the count, before a run is read
        byte[] pax10 = new RawTar().pax('x', "GNU.sparse.major=1", "GNU.sparse.minor=0", "GNU.sparse.name=f",
                "GNU.sparse.realsize=1000").add(new RawTar.Header("f", '0', 512)).data(count).end().bytes();
        assertEquals(Limit.SPARSE_RUNS, refused(pax10, ReadLimits.DEFAULTS).limit());
    }

    @Test
    void t07_theSparseMapCountsTowardsTheEntryMemory() {
        LimitExceededException e = refused(oldGnuSparseBomb(1000), SMALL.with(Limit.SPARSE_RUNS, 1 << 20).with(Limit.ENTRY_BYTES, 1024));
        assertEquals(Limit.ENTRY_BYTES, e.limit());
        assertEquals("the sparse map of the entry at byte offset 0 brings one entry's metadata to 1,040 bytes: over the limit of 1,024 bytes",
                e.getMessage());
    }

    @Test
    void t08_everyLimitRaisedLetsTheSameArchiveThrough() throws IOException {
        RawTar t = new RawTar();
        for (int i = 0; i < 6; i++) t.pax('x', "LIBARCHIVE.k" + i + "=" + "v".repeat(3000));
        t.pax('x', "path=" + "d/".repeat(30) + "n".repeat(1000));
        byte[] tar = t.add(new RawTar.Header("a", '0', 0)).end().bytes();
        ReadLimits raised = SMALL.with(Limit.ENTRY_BYTES, 1 << 20).with(Limit.PATH_BYTES, 2000).with(Limit.PATH_DEPTH, 31);
        assertEquals(1, entries(tar, raised));
        assertEquals(Limit.PATH_DEPTH, refused(tar, raised.with(Limit.PATH_DEPTH, 30)).limit());
        assertEquals(2000, raised.of(Limit.PATH_BYTES));
        assertEquals(Arrays.asList(Limit.values()).size(), 5);
    }
}
