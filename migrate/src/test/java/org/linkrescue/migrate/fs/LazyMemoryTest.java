package org.linkrescue.migrate.fs;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Memory made as it is first written: a direct buffer like any other to its users. */
class LazyMemoryTest {
    @Test
    void aLazyBufferIsDirectHoldsWhatIsWrittenAndItsSlicesShareIt() {
        ByteBuffer b = LazyMemory.allocate(8 << 20);
        assertTrue(b.isDirect());
        assertEquals(8 << 20, b.capacity());
        byte[] data = {1, 2, 3, 4, 5};
        b.put((8 << 20) - 5, data);
        ByteBuffer tail = b.slice((8 << 20) - 5, 5);
        byte[] back = new byte[5];
        tail.get(0, back);
        assertArrayEquals(data, back, "a slice reads the root's bytes");
        tail.put(0, (byte) 9);
        assertEquals(9, b.get((8 << 20) - 5), "and writes them");
    }

    @Test
    void onlyThePagesWrittenAreMadeSoManyLargeBuffersCostLittle() {
        // 4 GiB of address space in all, one page of each written: only the pages written are made.
        for (int i = 0; i < 64; i++) {
            ByteBuffer b = LazyMemory.allocate(64 << 20);
            b.put(i << 10, (byte) i);
            assertEquals((byte) i, b.get(i << 10));
        }
    }
}
