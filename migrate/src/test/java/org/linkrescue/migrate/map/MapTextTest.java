package org.linkrescue.migrate.map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Times in the rescue map: seconds, a dot and always nine digits of nanoseconds, read back exactly. */
class MapTextTest {
    @Test
    void t01_nanosecondsAreWrittenWithNineDigitsAndReadBack() {
        assertEquals("5.000000007", MapText.time(5, 7));
        assertEquals("0.000000000", MapText.time(0, 0));
        assertEquals("1700000000.999999999", MapText.time(1_700_000_000L, 999_999_999));
        assertEquals("-1.500000000", MapText.time(-1, 500_000_000));
        assertArrayEquals(new long[] {1_700_000_000L, 120}, MapText.parseTime(MapText.time(1_700_000_000L, 120)));
    }
}
