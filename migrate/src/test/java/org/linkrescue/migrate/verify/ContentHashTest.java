package org.linkrescue.migrate.verify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The verifier's content hash is a function of the bytes alone: however they are fed (chunks of
 * any size, zeros as a count or as bytes), equal bytes hash alike and any other bytes do not;
 * the plain SHA-256 beside it is SHA-256's own.
 */
class ContentHashTest {
    /** 70 KiB: data, a zero stretch crossing block edges, data, a zero tail not ending on a block. */
    private static byte[] content() {
        byte[] b = new byte[70 * 1024 + 123];
        Random r = new Random(7);
        byte[] data = new byte[5000];
        r.nextBytes(data);
        System.arraycopy(data, 0, b, 0, 5000);
        r.nextBytes(data);
        System.arraycopy(data, 0, b, 40_000, 5000);
        return b;
    }

    /** Fed in random chunks; each chunk of zeros as a count when zerosAsCount. */
    private static ContentHash fed(byte[] b, long seed, boolean zerosAsCount, boolean plain) {
        ContentHash h = new ContentHash(plain);
        Random r = new Random(seed);
        for (int off = 0; off < b.length; ) {
            int n = Math.min(b.length - off, 1 + r.nextInt(9000));
            boolean zeros = Arrays.mismatch(b, off, off + n, new byte[n], 0, n) < 0;
            if (zeros && zerosAsCount) h.zeros(n);
            else h.update(b, off, n);
            off += n;
        }
        return h;
    }

    @Test
    void t01_equalBytesHashAlikeHoweverTheyAreFed() {
        byte[] b = content();
        byte[] first = fed(b, 0, false, false).digest();
        for (long seed = 1; seed < 20; seed++) {
            assertArrayEquals(first, fed(b, seed, seed % 2 == 0, false).digest(), "seed " + seed);
        }
    }

    @Test
    void t02_anyOtherBytesHashOtherwise_oneByte_oneZeroMore_oneZeroLess() {
        byte[] b = content();
        Set<String> seen = new HashSet<>();
        seen.add(Arrays.toString(fed(b, 0, true, false).digest()));
        for (int at : new int[] {0, 4095, 4096, 20_000, 40_000, b.length - 1}) {
            byte[] c = b.clone();
            c[at] ^= 1;
            seen.add(Arrays.toString(fed(c, 1, true, false).digest()));
        }
        seen.add(Arrays.toString(fed(Arrays.copyOf(b, b.length + 1), 2, true, false).digest()));
        seen.add(Arrays.toString(fed(Arrays.copyOf(b, b.length - 1), 3, true, false).digest()));
        seen.add(Arrays.toString(fed(Arrays.copyOf(b, 12 * 4096), 4, true, false).digest()));
        seen.add(Arrays.toString(fed(Arrays.copyOf(b, 13 * 4096), 5, true, false).digest()));
        assertEquals(11, seen.size(), "eleven contents, eleven hashes");
    }

    @Test
    void t03_thePlainDigestIsSha256OfEveryByte_zerosFedAsACountIncluded() throws Exception {
        byte[] b = content();
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(b);
        ContentHash h = fed(b, 9, true, true);
        assertFalse(Arrays.equals(sha, h.digest()), "the content hash is not the plain one");
        assertArrayEquals(sha, h.plainDigest());
        assertArrayEquals(null, new ContentHash(false).plainDigest());
    }

    @Test
    void t04_aForkGoesOnFromTheSameStateWithoutThePlainDigest() {
        byte[] b = content();
        ContentHash h = new ContentHash(true);
        h.update(b, 0, 30_000);
        ContentHash f = h.fork();
        h.update(b, 30_000, b.length - 30_000);
        f.update(b, 30_000, b.length - 30_000);
        assertArrayEquals(h.digest(), f.digest());
        assertArrayEquals(null, f.plainDigest());
    }
}
