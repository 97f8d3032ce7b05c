package org.linkrescue.migrate.crosscheck;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.ByteRange;

/** Block by block: only disagreements, who holds zeros, who agrees; SOURCE's unreadable bytes are not compared. */
class BlockComparisonTest {
    static final int B = 4096;

    static byte[] data(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i * 31 + 7 | 1);
        return b;
    }

    @Test
    void t01_equalBlocksAreNoFindingAndAdjacentLikeOnesMerge() {
        byte[] src = data(5 * B), mirror = src.clone();
        java.util.Arrays.fill(src, B, 3 * B, (byte) 0); // two zeroed blocks in SOURCE
        src[4 * B + 10] ^= 1;                           // one flipped byte further on
        BlockComparison c = new BlockComparison(B, List.of("mirror"));
        c.chunk(0, src, new byte[][] {mirror}, src.length, new BadRanges());
        List<Disagreement> d = c.finish();
        assertEquals(2, d.size(), d.toString());
        assertEquals(new ByteRange(B, 2 * B), d.get(0).range());
        assertEquals(List.of("SOURCE"), d.get(0).zeros());
        assertTrue(d.get(0).sourceZeros());
        assertEquals(2L * B, d.get(0).differingBytes());
        assertEquals("16384-20479: 1 byte differs", d.get(1).toString());
        assertFalse(d.get(1).sourceZeros());
    }

    @Test
    void t02_withThreeCopiesItSaysWhoAgrees() {
        byte[] src = data(3 * B), mirror = src.clone(), original = src.clone();
        src[5] ^= 1;                    // block 0: the copies agree, SOURCE differs
        original[B + 5] ^= 1;           // block 1: SOURCE and mirror agree
        src[2 * B] ^= 1;                // block 2: all three differ
        mirror[2 * B] ^= 2;
        BlockComparison c = new BlockComparison(B, List.of("mirror", "original"));
        c.chunk(0, src, new byte[][] {mirror, original}, src.length, new BadRanges());
        List<Disagreement> d = c.finish();
        assertEquals(List.of("mirror and original agree; SOURCE differs", "SOURCE and mirror agree; original differs",
                "all 3 copies differ"), d.stream().map(Disagreement::agreement).toList());
    }

    @Test
    void t03_bytesSourceCouldNotReadAreNotComparedAndACopysZerosAreSaid() {
        byte[] src = data(2 * B), mirror = src.clone();
        java.util.Arrays.fill(src, 0, B, (byte) 0);
        java.util.Arrays.fill(mirror, B, 2 * B, (byte) 0);
        BadRanges bad = new BadRanges();
        bad.add(0, 512); // SOURCE's first block was unreadable: the rescue's business
        BlockComparison c = new BlockComparison(B, List.of("mirror"));
        c.chunk(0, src, new byte[][] {mirror}, src.length, bad);
        List<Disagreement> d = c.finish();
        assertEquals(1, d.size(), d.toString());
        assertEquals("4096-8191: 4096 bytes differ; mirror holds zeros", d.get(0).toString());
    }

    @Test
    void t04_aShortLastBlockIsComparedToTheEnd() {
        byte[] src = data(B + 100), mirror = src.clone();
        src[B + 99] ^= 1;
        BlockComparison c = new BlockComparison(B, List.of("mirror"));
        c.chunk(0, src, new byte[][] {mirror}, src.length, new BadRanges());
        assertEquals(new ByteRange(B, 100), c.finish().get(0).range());
    }
}
