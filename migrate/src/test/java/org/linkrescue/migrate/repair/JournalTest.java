package org.linkrescue.migrate.repair;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;

class JournalTest {
    @TempDir Path dir;

    @Test
    void recordsReadBackWithRawByteNames() throws Exception {
        byte[] file = Names.bytes(dir.resolve("j").toString());
        byte[] odd = {'a', '/', (byte) 0xff, '\n', ' ', 'b'};
        try (Journal j = Journal.create(file, 42, 7)) {
            j.begin(100, Names.bytes("a"), Names.bytes(".t"), List.of(odd, Names.bytes("top")),
                    List.of(new DirTimes(odd, 1, 2, 3, 4)));
            j.created(100, 200);
            j.moved(100, 1);
            j.stayed(100, 0);
        }
        Journal.Contents c = Journal.read(file);
        assertEquals(42, c.sourceDev());
        assertEquals(7, c.sourceIno());
        Journal.Entry e = c.entries().get(0);
        assertEquals(100, e.oldIno());
        assertEquals(200, e.newIno());
        assertArrayEquals(odd, e.paths().get(0));
        assertArrayEquals(Names.bytes("a"), e.tempDir());
        assertTrue(e.moved().get(1));
        assertTrue(e.stayed().get(0));
        assertArrayEquals(odd, e.dirs().get(0).dir());
        assertEquals(4, e.dirs().get(0).mtimeNsec());
        assertEquals(4, c.jdirTimes().length);
        assertFalse(e.done());
    }

    @Test
    void aLastLineCutShortByAKillIsIgnored() throws Exception {
        byte[] file = Names.bytes(dir.resolve("j").toString());
        try (Journal j = Journal.create(file, 1, 2)) {
            j.begin(5, new byte[0], Names.bytes(".t"), List.of(Names.bytes("p")), List.of());
        }
        Files.write(dir.resolve("j"), "created 5 9".getBytes(StandardCharsets.US_ASCII), java.nio.file.StandardOpenOption.APPEND);
        Journal.Entry e = Journal.read(file).entries().get(0);
        assertEquals(-1, e.newIno());
        assertArrayEquals(new byte[0], e.tempDir());
    }

    @Test
    void aJournalThatDoesNotParseIsRefusedWithItsLine() throws Exception {
        Files.writeString(dir.resolve("j"), Journal.MAGIC + "\nsource 1 2\nmoved 5 0\n");
        Journal.JournalException e = assertThrows(Journal.JournalException.class,
                () -> Journal.read(Names.bytes(dir.resolve("j").toString())));
        assertTrue(e.getMessage().contains("line 3: record before its begin"), e.getMessage());
        Files.writeString(dir.resolve("k"), "something else\n");
        assertThrows(Journal.JournalException.class, () -> Journal.read(Names.bytes(dir.resolve("k").toString())));
    }

    @Test
    void anExistingJournalIsNeverOverwritten() throws Exception {
        byte[] file = Names.bytes(dir.resolve("j").toString());
        Journal.create(file, 1, 2).close();
        assertThrows(java.io.IOException.class, () -> Journal.create(file, 1, 2));
    }
}
