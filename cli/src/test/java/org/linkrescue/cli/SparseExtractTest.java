package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.linkrescue.testdata.Commands;

/**
 * A sparse entry is written with holes, in every form GNU tar writes (issue 17.1: an archive of
 * 10 KB declaring 1 TiB filled the disk with zeros). GNU tar makes the archives from a 1 TiB file
 * holding 8 bytes; extract runs in a JVM of its own into a 16 MiB tmpfs, and what the file holds
 * on disk is measured from outside, beside bsdtar extracting the same archive.
 */
class SparseExtractTest {
    static final long TIB = 1L << 40;
    static Path dir;

    @BeforeAll
    static void archives() throws Exception {
        assumeTrue(Commands.isRoot(), "needs root to mount a small tmpfs (CI runs as root)");
        dir = CliTestSupport.scratch();
        Commands.bash(dir, """
                mkdir small src && mount -t tmpfs -o size=16m lr-sparse-test small
                truncate -s 1T src/big && printf head | dd of=src/big conv=notrunc status=none
                printf tail | dd of=src/big bs=1 seek=$((1024**4 - 4)) conv=notrunc status=none
                tar -C src --sparse --format=posix --sparse-version=1.0 -cf pax10.tar big
                tar -C src --sparse --format=posix --sparse-version=0.1 -cf pax01.tar big
                tar -C src --sparse --format=gnu -cf oldgnu.tar big
                """);
    }

    @AfterAll
    static void unmount() throws Exception {
        if (dir == null) return;
        Commands.bash(dir, "umount small || true");
        CliTestSupport.remove(dir);
    }

    /** "size blocks(512 B) head tail" of a file, all measured by stat and dd. */
    static String onDisk(Path f) {
        return new String(Commands.bash(null, "stat -c '%s %b' \"$1\" | tr '\\n' ' '; dd if=\"$1\" bs=4 count=1 status=none;"
                + " printf ' '; dd if=\"$1\" bs=4 skip=$((1024**4 / 4 - 1)) count=1 status=none", f.toString())).strip();
    }

    @Test
    void t01_aTebibyteWithEightBytesOfDataTakesNoMoreSpaceThanBsdtarGivesItInEveryForm() throws Exception {
        Commands.bash(dir, "mkdir small/bsd && bsdtar -xf pax10.tar -C small/bsd");
        String bsd = onDisk(dir.resolve("small/bsd/big"));
        long bsdBlocks = Long.parseLong(bsd.split(" ")[1]);
        for (String form : new String[] {"pax10", "pax01", "oldgnu"}) {
            Path into = dir.resolve("small/" + form);
            ChildRun.Result r = new ChildRun().run(dir, "extract", "-f", dir.resolve(form + ".tar").toString(), "-C", into.toString());
            assertEquals(0, r.code(), form + ": " + r.err());
            String lr = onDisk(into.resolve("big"));
            String[] f = lr.split(" ");
            assertEquals(TIB, Long.parseLong(f[0]), form + ": " + lr);
            assertEquals("head tail", f[2] + " " + f[3], form + ": the data where it was");
            assertTrue(Long.parseLong(f[1]) <= Math.max(bsdBlocks, 16), form + ": " + lr + " against bsdtar's " + bsd);
            assertTrue(r.peakRssKiB() < 300 << 10, form + ": peak RSS " + r.peakRssKiB() + " KiB");
            System.out.println(form + ": " + lr + " (bsdtar: " + bsd + "), peak RSS " + r.peakRssKiB() + " KiB");
            Commands.bash(dir, "rm -rf \"$1\"", into.toString());
        }
    }
}
