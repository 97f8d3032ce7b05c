package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.testdata.Fault;
import org.linkrescue.testdata.FaultFs;
import org.linkrescue.testdata.FaultFs.Op;

/**
 * A read that hangs at a file's first byte is handled as an EIO over the range that hung: the
 * open had returned, so the file is kept, with all its links, spliced from an alternate or
 * zero-filled and reported; it is not "left out" as if its open had hung. On a FUSE drive that
 * holds the read for good.
 */
class HungFirstReadFaultFsTest {
    @TempDir Path tmp;
    Path drive;
    final byte[] data = "the only copy of a small file\n".repeat(100).getBytes(StandardCharsets.ISO_8859_1);
    final FileTime mtime = FileTime.fromMillis(1_700_000_000_000L);

    @BeforeEach void tree() throws Exception {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
        drive = tmp.resolve("drive");
        Files.createDirectories(drive.resolve("snap1"));
        Files.createDirectories(drive.resolve("snap2"));
        Files.write(drive.resolve("snap1/f"), data);
        Files.setLastModifiedTime(drive.resolve("snap1/f"), mtime);
        Files.createLink(drive.resolve("snap2/f"), drive.resolve("snap1/f"));
        Files.writeString(drive.resolve("snap1/other"), "fine");
    }

    private CliTestSupport.Result migrate(FaultFs fs, String... more) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("migrate", fs.root().toString(),
                tmp.resolve("copy").toString(), "--read-timeout", "1", "--report", tmp.resolve("r.json").toString()));
        args.addAll(java.util.List.of(more));
        return CompletableFuture.supplyAsync(() -> CliTestSupport.run(args.toArray(String[]::new))).get(60, TimeUnit.SECONDS);
    }

    @Test void t01_withoutACopyTheFileIsKeptZeroFilledWithEveryLinkAndNamedAsHung() throws Exception {
        try (FaultFs fs = FaultFs.mount(drive, tmp, false)) {
            fs.add(Fault.on(Op.READ).path("snap1/f").bytes(0, 1).stallUntilReleased());
            CliTestSupport.Result r = migrate(fs);
            assertEquals(3, r.code(), r.err());
            assertFalse(r.err().contains("open did not return"), r.err());
            assertFalse(r.err().contains("left out"), r.err());
            assertTrue(r.err().contains("snap1/f: read at byte 0 hung"), r.err());
            assertArrayEquals(new byte[data.length], Files.readAllBytes(tmp.resolve("copy/snap1/f")), "zero-filled, its size kept");
            assertEquals(Files.getAttribute(tmp.resolve("copy/snap1/f"), "unix:ino"), Files.getAttribute(tmp.resolve("copy/snap2/f"), "unix:ino"),
                    "its link kept");
            String json = Files.readString(tmp.resolve("r.json"));
            assertTrue(json.contains("\"badRanges\":[\"0-" + (data.length - 1) + "\"]"), json);
            assertTrue(json.contains("\"abandonedReads\":1"), json);
        }
    }

    @Test void t02_withAMirrorCopyTheHungFileIsSplicedWhole() throws Exception {
        Path mirror = Files.createDirectories(tmp.resolve("mirror/snap1"));
        Files.write(mirror.resolve("f"), data);
        Files.setLastModifiedTime(mirror.resolve("f"), mtime);
        try (FaultFs fs = FaultFs.mount(drive, tmp, false)) {
            fs.add(Fault.on(Op.READ).path("snap1/f").bytes(0, 1).stallUntilReleased());
            CliTestSupport.Result r = migrate(fs, "--alternate", "mirror=" + tmp.resolve("mirror"));
            assertEquals(0, r.code(), r.err());
            assertArrayEquals(data, Files.readAllBytes(tmp.resolve("copy/snap1/f")));
            assertArrayEquals(data, Files.readAllBytes(tmp.resolve("copy/snap2/f")));
            assertTrue(r.err().contains("spliced from mirror:"), r.err());
        }
    }
}
