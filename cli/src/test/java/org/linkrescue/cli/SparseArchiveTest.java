package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linkrescue.cli.CliTestSupport.Result;
import org.linkrescue.testdata.Commands;

/**
 * Sparse files end to end (issue 17.2): archive writes each file with holes as a pax sparse 1.0
 * entry, which GNU tar and bsdtar extract with the holes (the peers are the oracle: same bytes
 * as the source, no more blocks), as does our extract; migrate recreates the holes; verify
 * --sparse finds a copy whose holes were filled. One file's map text is exactly 512 bytes (the
 * case COMPRESS-724 reads wrong in commons-compress 1.28: the map ending on a block boundary).
 */
class SparseArchiveTest {
    static Path dir;

    @BeforeAll
    static void tree() throws Exception {
        dir = Files.createTempDirectory(Path.of("/dev/shm"), "lr-sparse-archive-"); // tmpfs keeps holes page by page
        Commands.bash(dir, """
                mkdir -p src/vm && cd src
                truncate -s 256M vm/disk.img
                for at in 0 100 255; do head -c 1048576 /dev/urandom | dd of=vm/disk.img bs=1M seek=$at conv=notrunc status=none; done
                # 36 runs at each MiB, 10 of 64 KiB and 26 of 4 KiB, and the empty run at the end (40 MiB):
                # the pax 1.0 map text is exactly 512 bytes
                for i in $(seq 0 35); do n=1; [ $i -lt 10 ] && n=16
                  head -c $((n * 4096)) /dev/urandom | dd of=edge.img bs=4096 seek=$((i * 256)) conv=notrunc status=none; done
                truncate -s 40M edge.img
                truncate -s 5M allhole.img
                echo plain > plain.txt
                touch -d '2024-01-02 03:04:05.123456789' vm/disk.img edge.img allhole.img plain.txt vm .
                """);
    }

    @AfterAll static void remove() { Commands.removeTree(dir); }

    static String sizeAndBlocks(Path f) {
        return new String(Commands.run(null, "stat", "-c", "%s %b", f.toString())).strip();
    }

    /** Each sparse file of the copy equals the source's and takes no more blocks. */
    static void sameBytesAsFewBlocks(Path copy, String who) {
        for (String f : new String[] {"vm/disk.img", "edge.img", "allhole.img"}) {
            Commands.run(null, "cmp", dir.resolve("src").resolve(f).toString(), copy.resolve(f).toString());
            String[] s = sizeAndBlocks(dir.resolve("src").resolve(f)).split(" "), c = sizeAndBlocks(copy.resolve(f)).split(" ");
            assertEquals(s[0], c[0], who + " " + f);
            assertTrue(Long.parseLong(c[1]) <= Long.parseLong(s[1]), who + " " + f + ": " + c[1] + " blocks, the source " + s[1]);
        }
    }

    @Test
    void t01_archiveWritesPax10SparseEntriesThatGnuTarBsdtarAndExtractKeepSparse() throws Exception {
        Path tar = dir.resolve("a.tar");
        Result r = CliTestSupport.run("archive", dir.resolve("src").toString(), "-f", tar.toString(), "-q");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.size(tar) < 8 << 20, "the data alone is archived: " + Files.size(tar) + " bytes");
        String listed = new String(Commands.run(dir, "tar", "-tvf", tar.toString()));
        assertTrue(listed.contains(" 268435456 ") && listed.contains(" vm/disk.img"), "GNU tar sees the real name and size:\n" + listed);
        Commands.bash(dir, "mkdir gnu bsd && tar -xf a.tar -C gnu && bsdtar -xf a.tar -C bsd");
        sameBytesAsFewBlocks(dir.resolve("gnu"), "GNU tar");
        sameBytesAsFewBlocks(dir.resolve("bsd"), "bsdtar");
        Result x = CliTestSupport.run("extract", "-f", tar.toString(), "-C", dir.resolve("ours").toString(), "-q");
        assertEquals(0, x.code(), x.err());
        sameBytesAsFewBlocks(dir.resolve("ours"), "extract");
        assertEquals(0, CliTestSupport.run("verify", "--archive", tar.toString(), dir.resolve("src").toString(), "-q", "--sparse").code());
        // GNU tar without --sparse stores the holes as zeros: the same bytes, but not the same holes
        Commands.bash(dir, "tar -C src -cf dense.tar .");
        Result v = CliTestSupport.run("verify", "--archive", dir.resolve("dense.tar").toString(), dir.resolve("src").toString(), "-q", "--sparse");
        assertEquals(4, v.code(), v.outText() + v.err());
        assertTrue(v.outText().contains("vm/disk.img: hole at bytes 1048576-104857599 in SOURCE is stored as data in the archive"), v.outText());
    }

    @Test
    void t02_migrateRecreatesTheHolesAndVerifySparseFindsAFilledOne() throws Exception {
        Result r = CliTestSupport.run("migrate", dir.resolve("src").toString(), dir.resolve("copy").toString(), "-q");
        assertEquals(0, r.code(), r.err());
        sameBytesAsFewBlocks(dir.resolve("copy"), "migrate");
        assertEquals(0, CliTestSupport.run("verify", dir.resolve("src").toString(), dir.resolve("copy").toString(), "--sparse").code());
        // Same bytes, holes filled: equal data, a difference only with --sparse.
        Commands.bash(dir, "cp --sparse=never copy/edge.img filled && cat filled > copy/edge.img && touch -r src/edge.img copy/edge.img");
        assertEquals(0, CliTestSupport.run("verify", dir.resolve("src").toString(), dir.resolve("copy").toString()).code());
        Result v = CliTestSupport.run("verify", dir.resolve("src").toString(), dir.resolve("copy").toString(), "--sparse");
        assertEquals(4, v.code(), v.outText() + v.err());
        assertTrue(v.outText().contains("edge.img: "), v.outText());
    }
}
