package org.linkrescue.migrate.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.scan.ScannedPath;

/** The entry of a later hard link is the one its path would make, turned into a link to the first path. */
class EntryMakerTest {
    @TempDir Path dir;

    private ScannedPath scanned(String name) throws Exception {
        byte[] n = Names.bytes(name);
        Stat st = Posix.lstatAt(Posix.AT_FDCWD, Names.bytes(dir.resolve(name).toString()));
        byte[] target = st.type() == Stat.S_IFLNK ? Names.bytes(Files.readSymbolicLink(dir.resolve(name)).toString()) : null;
        return new ScannedPath(Names.bytes("s1/" + name), n, -1, st, target);
    }

    @Test
    void t01_makeLinkGivesWhatMakeThenAsHardLinkToGaveForEveryKindThatLinks() throws Exception {
        Files.writeString(dir.resolve("file"), "data");
        Files.createSymbolicLink(dir.resolve("sym"), Path.of("file"));
        new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).inheritIO().start().waitFor();
        EntryMaker maker = new EntryMaker();
        byte[] first = Names.bytes("s0/x");
        for (String name : List.of("file", "sym", "fifo")) {
            ScannedPath p = scanned(name);
            Entry want = maker.make(p).asHardLinkTo(first);
            Entry got = maker.makeLink(p, first);
            assertArrayEquals(want.path(), got.path(), name);
            assertEquals(want.type(), got.type(), name);
            assertEquals(want.mode(), got.mode(), name);
            assertEquals(want.uid(), got.uid(), name);
            assertEquals(want.gid(), got.gid(), name);
            assertArrayEquals(want.uname(), got.uname(), name);
            assertArrayEquals(want.gname(), got.gname(), name);
            assertEquals(want.size(), got.size(), name);
            assertEquals(want.mtimeSec(), got.mtimeSec(), name);
            assertEquals(want.mtimeNsec(), got.mtimeNsec(), name);
            assertArrayEquals(want.linkTarget(), got.linkTarget(), name);
            assertEquals(want.devMajor(), got.devMajor(), name);
            assertEquals(want.devMinor(), got.devMinor(), name);
            assertEquals(want.extra(), got.extra(), name);
            assertTrue(EntryMaker.carried(p.stat()), name);
        }
    }

    @Test
    void t02_aSocketIsNotCarried() throws Exception {
        Path sock = dir.resolve("sock");
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(sock));
            ScannedPath p = scanned("sock");
            assertFalse(EntryMaker.carried(p.stat()));
            assertEquals(null, new EntryMaker().make(p));
        }
    }
}
