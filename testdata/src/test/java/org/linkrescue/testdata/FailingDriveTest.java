package org.linkrescue.testdata;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness itself: exactly the named blocks fail, short reads stop at them, nothing is left behind. */
class FailingDriveTest {
    @TempDir Path tmp;

    @BeforeEach void rootOnly() {
        String why = FailingDrive.unavailableReason();
        Assumptions.assumeTrue(why == null, "FailingDrive tests skipped: " + why);
    }

    @Test void onlyTheCorruptedBlocksFailAndASpanningReadStopsShortAtThem() throws Exception {
        String loop;
        try (FailingDrive d = FailingDrive.create(tmp)) {
            Path f = d.root().resolve("snap/f.bin");
            Files.createDirectories(f.getParent());
            byte[] data = FailingDrive.pattern("f.bin", 200_000);
            Files.write(f, data);
            assertEquals(40960, d.corruptBlock(f, 40960 + 4000));
            d.breakBlocks();
            loop = FailingDrive.run("findmnt", "-n", "-o", "SOURCE", d.root().toString()).trim();
            assertTrue(FailingDrive.run("findmnt", "-n", "-o", "OPTIONS", d.root().toString()).startsWith("ro"));
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(1 << 20);
                assertEquals(40960, ch.read(b, 0), "a read spanning the bad block ends where it starts");
                for (long off = 0; off < 200_000; off += 4096) {
                    ByteBuffer one = ByteBuffer.allocate(4096);
                    if (off == 40960) {
                        long o = off;
                        IOException e = assertThrows(IOException.class, () -> ch.read(one, o));
                        assertEquals("Input/output error", e.getMessage());
                    } else {
                        int n = ch.read(one, off);
                        assertArrayEquals(java.util.Arrays.copyOfRange(data, (int) off, (int) off + n),
                                java.util.Arrays.copyOf(one.array(), n));
                    }
                }
            }
        }
        assertFalse(FailingDrive.run("losetup", "-a").contains(tmp.toString()), "loop device left attached");
        assertFalse(FailingDrive.run("cat", "/proc/mounts").contains(tmp.toString()), "left mounted");
        assertFalse(Files.exists(tmp.resolve("drive.img")));
        assertTrue(loop.startsWith("/dev/loop"), loop);
    }

    @Test void aBlockNotUniqueInTheImageIsRefusedAndTheDriveStillCleansUp() throws Exception {
        FailingDrive d = FailingDrive.create(tmp);
        try (d) {
            byte[] same = FailingDrive.pattern("same", 100_000);
            Files.write(d.root().resolve("a"), same);
            Files.write(d.root().resolve("b"), same);
            d.corruptBlock(d.root().resolve("a"), 8192);
            IOException e = assertThrows(IOException.class, d::breakBlocks);
            assertTrue(e.getMessage().contains("found twice"), e.getMessage());
        }
        assertFalse(FailingDrive.run("losetup", "-a").contains(tmp.toString()), "loop device left attached");
    }
}
