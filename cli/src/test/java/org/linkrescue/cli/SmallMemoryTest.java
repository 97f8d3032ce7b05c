package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-ahead ring is sized from the memory the JVM has, so a small heap still migrates; an
 * out-of-memory error of any kind is one line that says what to do, never a trace. Real JVMs
 * of their own, with the launcher's flags.
 */
class SmallMemoryTest {
    @TempDir Path tmp;
    Path src;

    @BeforeEach void tree() throws Exception {
        src = tmp.resolve("src");
        Files.createDirectories(src.resolve("snap/d"));
        for (int i = 0; i < 50; i++) Files.write(src.resolve("snap/d/f" + i), new byte[10_000 + i]);
        Files.write(src.resolve("snap/d/big"), new byte[20 << 20]); // beyond any ring: read as it is written
        Files.write(src.resolve("snap/d/mid"), new byte[5 << 20]);
    }

    @Test void t01_migrateInA64MiBJvmWorks() throws Exception {
        ChildRun.Result r = new ChildRun().jvm("-Xmx64m").run(tmp, "migrate", "-q", src.toString(), tmp.resolve("copy").toString());
        assertEquals(0, r.code(), r.err());
        assertArrayEquals(Files.readAllBytes(src.resolve("snap/d/mid")), Files.readAllBytes(tmp.resolve("copy/snap/d/mid")));
        assertEquals(20 << 20, Files.size(tmp.resolve("copy/snap/d/big")));
    }

    @Test void t02_archiveInA64MiBJvmWorks() throws Exception {
        ChildRun.Result r = new ChildRun().jvm("-Xmx64m").run(tmp, "archive", "-q", src.toString(), "-f", tmp.resolve("a.tar").toString());
        assertEquals(0, r.code(), r.err());
    }

    @Test void t03_tooLittleDirectMemoryIsOneLineSayingWhatToGiveIt() throws Exception {
        ChildRun.Result r = new ChildRun().jvm("-XX:MaxDirectMemorySize=2m")
                .run(tmp, "migrate", "-q", src.toString(), tmp.resolve("copy2").toString(), "--report", tmp.resolve("r.json").toString());
        assertEquals(1, r.code(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertTrue(r.err().contains("out of memory for file data (direct buffers: 2 MiB)"), r.err());
        assertTrue(r.err().contains("-XX:MaxDirectMemorySize="), r.err());
        assertFalse(r.err().contains("did not return"), "opens fail at once, not after a timeout each: " + r.err());
        assertTrue(Files.readString(tmp.resolve("r.json")).contains("\"outcome\":\"failed\""), "the report says the run failed");
    }
}
