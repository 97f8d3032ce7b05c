package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;

/**
 * A tree 10,000 directories deep (paths of 20,000 bytes; 1,500 levels were the limit of a
 * recursive walk on a default thread stack) goes through every command, with a file and a hard
 * link at the bottom. GNU find is the oracle.
 */
class DeepTreeTest {
    static final int DEPTH = 10_000;
    static Path work;

    @BeforeAll static void deepTree() throws Exception {
        work = CliTestSupport.scratch();
        Path src = work.resolve("src");
        Files.createDirectories(src.resolve("top"));
        Files.writeString(src.resolve("top/f"), "at the top", StandardCharsets.ISO_8859_1);
        int fd = Posix.openDir(Posix.AT_FDCWD, Names.bytes(src.toString()));
        int top = Posix.openDir(fd, Names.bytes("top"));
        for (int i = 0; i < DEPTH; i++) {
            Posix.mkdirAt(fd, Names.bytes("d"), 0755);
            int sub = Posix.openDir(fd, Names.bytes("d"));
            Posix.close(fd);
            fd = sub;
        }
        int out = Posix.openat(fd, Names.bytes("bottom"), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL, 0644);
        Posix.writeFully(out, "at the bottom".getBytes(StandardCharsets.ISO_8859_1), 0, 13);
        Posix.close(out);
        Posix.linkAt(top, Names.bytes("f"), fd, Names.bytes("link-to-top"));
        Posix.close(fd);
        Posix.close(top);
    }

    @AfterAll static void clean() throws Exception { CliTestSupport.remove(work); }

    /** Depth, type, size, link count and relative path of every path, sorted: what must come through. */
    private static String listing(Path root) throws Exception {
        return CliTestSupport.sh(root, "bash", "-c", "find . -printf '%d %y %s %n %P\\n' | grep -v '^0 ' | LC_ALL=C sort | sha256sum");
    }

    @Test void t01_migrateOfATreeTenThousandDirectoriesDeepKeepsEveryPathAndLink() throws Exception {
        Path dst = work.resolve("migrated");
        CliTestSupport.Result r = CliTestSupport.run("migrate", "-q", work.resolve("src").toString(), dst.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(listing(work.resolve("src")), listing(dst));
        CliTestSupport.Result v = CliTestSupport.run("verify", work.resolve("src").toString(), dst.toString());
        assertEquals(0, v.code(), v.err());
    }

    @Test void t02_archiveScanAndExtractOfTheSameTreeWork() throws Exception {
        Path tar = work.resolve("deep.tar"), dst = work.resolve("extracted");
        CliTestSupport.Result a = CliTestSupport.run("archive", "-q", work.resolve("src").toString(), "-f", tar.toString());
        assertEquals(0, a.code(), a.err());
        CliTestSupport.Result x = CliTestSupport.run("extract", "-q", "-f", tar.toString(), "-C", dst.toString());
        assertEquals(0, x.code(), x.err());
        assertEquals(listing(work.resolve("src")), listing(dst));
        CliTestSupport.Result s = CliTestSupport.run("scan", work.resolve("src").toString());
        assertEquals(0, s.code(), s.err());
        CliTestSupport.Result va = CliTestSupport.run("verify", "--archive", tar.toString(), work.resolve("src").toString());
        assertEquals(0, va.code(), va.err());
    }
}
