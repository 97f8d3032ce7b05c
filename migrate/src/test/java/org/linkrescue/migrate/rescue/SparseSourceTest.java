package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linkrescue.migrate.rescue.RescueFixture.bytes;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.testdata.Commands;

/**
 * A source file with holes (a VM image, a database file) is migrated with them: its data runs
 * are found with SEEK_DATA/SEEK_HOLE and read alone, and the copy holds as few blocks. A hole is
 * never read, so it can never be a bad block: a failing read inside a data run is rescued there,
 * and the holes around it stay holes (issue 17.2).
 */
class SparseSourceTest {
    static final int MiB = 1 << 20;
    static final long SIZE = 64L * MiB;
    final FaultyMigration m = new FaultyMigration();
    Path base;
    byte[] first = bytes(MiB, 1), second = bytes(MiB + 5, 2);

    @BeforeEach
    void image() throws IOException {
        base = Files.createTempDirectory(Path.of("/dev/shm"), "lr-sparse-src-");
        Path img = base.resolve("src/2024-01/img");
        RescueFixture.file(img, new byte[0]);
        try (RandomAccessFile f = new RandomAccessFile(img.toFile(), "rw")) {
            f.setLength(SIZE);
            f.write(first);
            f.seek(40L * MiB);
            f.write(second);
        }
        org.linkrescue.migrate.fs.Posix.lutimensAt(org.linkrescue.migrate.fs.Posix.AT_FDCWD,
                org.linkrescue.archive.Names.bytes(img.toString()), RescueFixture.MTIME, 0, RescueFixture.MTIME, 0);
    }

    @AfterEach
    void close() throws Exception {
        m.close();
        Commands.removeTree(base);
    }

    String blocksAndSize(String rel) {
        return new String(Commands.run(null, "stat", "-c", "%s %b", base.resolve(rel).toString())).strip();
    }

    /** Every read of img lay inside a data run (as the file system keeps them: whole pages). */
    void noHoleWasRead() {
        for (String r : m.drive.reads) {
            if (!r.startsWith("img@")) continue;
            long off = Long.parseLong(r.substring(4, r.indexOf('+'))), len = Long.parseLong(r.substring(r.indexOf('+') + 1));
            boolean inFirst = off + len <= MiB, inSecond = off >= 40L * MiB && off + len <= 40L * MiB + (second.length + 4095) / 4096 * 4096;
            assertTrue(inFirst || inSecond, "a read in a hole: " + r);
        }
    }

    void migrate() throws IOException {
        m.run(base.resolve("src"), base.resolve("dst"), base, RescueOptions.defaults().withReadTimeout(Duration.ofSeconds(30)));
    }

    @Test
    void t01_theDataRunsAloneAreReadAndTheCopyHasTheSameHoles() throws Exception {
        migrate();
        assertEquals(List.of(), m.fx.problems);
        Commands.run(null, "cmp", base.resolve("src/2024-01/img").toString(), base.resolve("dst/2024-01/img").toString());
        assertEquals(blocksAndSize("src/2024-01/img"), blocksAndSize("dst/2024-01/img"));
        noHoleWasRead();
    }

    @Test
    void t02_aBadBlockInADataRunIsRescuedThereAndTheHolesStayHoles() throws Exception {
        m.drive.eio("img", 40L * MiB + 100, 40L * MiB + 101);
        migrate();
        assertEquals(List.of(new ByteRange(40L * MiB, 4096)), m.report.records().get(0).badRanges());
        assertEquals(1, m.totals.damagedInodes());
        String[] src = blocksAndSize("src/2024-01/img").split(" "), dst = blocksAndSize("dst/2024-01/img").split(" ");
        assertEquals(src[0], dst[0]);
        assertTrue(Long.parseLong(dst[1]) <= Long.parseLong(src[1]), "no more blocks than the source: " + dst[1] + " > " + src[1]);
        noHoleWasRead();
    }
}
