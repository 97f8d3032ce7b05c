package org.linkrescue.migrate.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class DirectMemoryTest {
    @Test void t01_theRingIsAQuarterOfDirectMemoryUpTo64MiBInWhole64KiB() {
        assertEquals(16 << 20, DirectMemory.ringBytes(64L << 20), "-Xmx64m: 16 MiB");
        assertEquals(64 << 20, DirectMemory.ringBytes(6L << 30));
        assertEquals(512 << 10, DirectMemory.ringBytes(2L << 20));
        assertEquals(15 * (64 << 10), DirectMemory.ringBytes(4_000_000));
    }

    @Test void t02_maxDirectMemorySizeIsReadAsTheJvmReadsIt() {
        assertEquals(2L << 20, DirectMemory.option("-XX:MaxDirectMemorySize=2m", -1));
        assertEquals(3L << 30, DirectMemory.option("-XX:MaxDirectMemorySize=3G", -1));
        assertEquals(4096, DirectMemory.option("-XX:MaxDirectMemorySize=4096", -1));
        assertEquals(7, DirectMemory.option("-Xmx64m", 7), "another option leaves it as it was");
        assertEquals(7, DirectMemory.option("-XX:MaxDirectMemorySize=lots", 7));
        assertTrue(DirectMemory.max() > 0);
    }
}
