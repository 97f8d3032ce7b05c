package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.testdata.Commands;
import org.linkrescue.testdata.Fault;
import org.linkrescue.testdata.FaultFs;
import org.linkrescue.testdata.FaultFs.Op;

/**
 * A directory the drive cannot list, or a name it cannot lstat, is reported and counted, and
 * filled from the alternates: a copied file proven to be a drive inode (same path in a
 * neighbouring snapshot, same size and mtime, equal bytes) becomes one more link to it, as on
 * the drive; anything else is copied, marked unverified (provenance, report, exit 3); a
 * directory nothing fills gets mode 0700 and mtime 1970-01-01. On a FUSE drive that fails
 * getdents and lstat with EIO, snapshots made as backups are (cp -al), a mirror made without
 * links (cp -a).
 */
class UnreadableDirFaultFsTest {
    @TempDir Path tmp;
    Path drive, mirror;

    @BeforeEach void snapshots() throws Exception {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
        drive = tmp.resolve("drive");
        Path s1 = Files.createDirectories(drive.resolve("snap1/docs"));
        Files.writeString(s1.resolve("a"), "alpha, unchanged in every snapshot");
        Files.writeString(s1.resolve("b"), "beta, unchanged too");
        Files.createDirectories(drive.resolve("snap1/solo"));
        Files.writeString(drive.resolve("snap1/solo/s"), "solo file");
        for (Path f : new Path[] {s1.resolve("a"), s1.resolve("b"), drive.resolve("snap1/solo/s")})
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_000_000L));
        Commands.run(drive.toFile().toPath(), "cp", "-al", "snap1", "snap2");
        Files.delete(drive.resolve("snap2/docs/b"));
        Files.writeString(drive.resolve("snap2/docs/b"), "beta, changed in snap2 only"); // a new inode
        Files.createDirectories(drive.resolve("snap2/docs/sub"));
        Files.writeString(drive.resolve("snap2/docs/sub/deep"), "deep");
        Files.writeString(drive.resolve("snap2/docs/c"), "gamma, in snap2 only");
        Files.createDirectories(drive.resolve("snap2/lost"));
        Files.writeString(drive.resolve("snap2/lost/x"), "in no copy");
        Commands.run(drive.toFile().toPath(), "cp", "-al", "snap2", "snap3");
        Files.delete(drive.resolve("snap3/docs/c"));
        mirror = tmp.resolve("mirror");
        Commands.run(null, "cp", "-a", drive.toString(), mirror.toString());
        Commands.run(null, "rm", "-r", mirror.resolve("snap2/lost").toString(), mirror.resolve("snap3/lost").toString());
    }

    private CliTestSupport.Result migrate(FaultFs fs, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("migrate", fs.root().toString(),
                tmp.resolve("copy").toString(), "--report", tmp.resolve("r.json").toString(), "--alternate", "mirror=" + mirror));
        args.addAll(java.util.List.of(more));
        return CliTestSupport.run(args.toArray(String[]::new));
    }

    private Object ino(String rel) throws Exception { return Files.getAttribute(tmp.resolve("copy").resolve(rel), "unix:ino"); }

    @Test void t01_anUnlistableDirectoryIsFilledFromTheMirror_verifiedFilesLinkedToTheirDriveInodes() throws Exception {
        try (FaultFs fs = FaultFs.mount(drive, tmp, false)) {
            fs.add(Fault.on(Op.READDIR).path("snap2/docs").eio());
            CliTestSupport.Result r = migrate(fs);
            assertEquals(3, r.code(), r.err());
            assertTrue(r.err().contains("FAILED snap2/docs: cannot read directory: EIO"), r.err());
            assertTrue(r.err().contains("WARN snap2/docs: filled from mirror:" + mirror + "/snap2/docs: 5 paths, 3 verified against the drive, 2 copied unverified"), r.err());
            assertEquals("alpha, unchanged in every snapshot", Files.readString(tmp.resolve("copy/snap2/docs/a")));
            assertEquals(ino("snap1/docs/a"), ino("snap2/docs/a"), "a: one more link to the inode snap1 read from the drive");
            assertEquals(ino("snap1/docs/a"), ino("snap3/docs/a"));
            assertEquals("beta, changed in snap2 only", Files.readString(tmp.resolve("copy/snap2/docs/b")));
            assertEquals(ino("snap2/docs/b"), ino("snap3/docs/b"), "b: proven to be snap3's inode, its first path: snap3 links to it");
            assertNotEquals(ino("snap1/docs/b"), ino("snap2/docs/b"));
            assertEquals(ino("snap2/docs/sub/deep"), ino("snap3/docs/sub/deep"));
            assertEquals("gamma, in snap2 only", Files.readString(tmp.resolve("copy/snap2/docs/c")), "c: in no other snapshot, copied");
            String json = Files.readString(tmp.resolve("r.json"), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"unreadableDirs\":1"), json);
            assertTrue(json.contains("\"pathsFilled\":5,\"pathsVerified\":3,\"pathsUnverified\":2"), json);
            assertTrue(json.contains("\"unverifiedPaths\":[\"snap2/docs/c\",\"snap2/docs/sub\"]"), json);
        }
    }

    @Test void t02_anArchiveCarriesWhereAnUnverifiedCopyCameFrom() throws Exception {
        try (FaultFs fs = FaultFs.mount(drive, tmp, false)) {
            fs.add(Fault.on(Op.READDIR).path("snap2/docs").eio());
            Path tar = tmp.resolve("a.tar");
            CliTestSupport.Result r = CliTestSupport.run("archive", fs.root().toString(), "-f", tar.toString(), "--alternate", "mirror=" + mirror);
            assertEquals(3, r.code(), r.err());
            String raw = new String(Files.readAllBytes(tar), StandardCharsets.ISO_8859_1);
            assertTrue(raw.contains("LINKRESCUE.ranges=0-19:mirror:" + mirror + "/snap2/docs/c\n"), "c's header says where it came from");
            assertFalse(raw.contains("/snap2/docs/a\n"), "a, proven, carries no such record");
        }
    }

    @Test void t03_aDirectoryNoCopyHoldsIsMadeEmptyWithAModeAndMtimeThatAreNotTheSources() throws Exception {
        try (FaultFs fs = FaultFs.mount(drive, tmp, false)) {
            fs.add(Fault.on(Op.READDIR).path("snap2/lost").eio());
            CliTestSupport.Result r = migrate(fs);
            assertEquals(3, r.code(), r.err());
            assertTrue(r.err().contains("WARN snap2/lost: no copy of this directory: made empty, mode 0700, mtime 1970-01-01"), r.err());
            Path lost = tmp.resolve("copy/snap2/lost");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(lost, LinkOption.NOFOLLOW_LINKS)));
            assertEquals(0, Files.getLastModifiedTime(lost, LinkOption.NOFOLLOW_LINKS).toMillis());
            assertEquals("in no copy", Files.readString(tmp.resolve("copy/snap3/lost/x")), "the other snapshot's copy was readable");
            String json = Files.readString(tmp.resolve("r.json"), StandardCharsets.UTF_8);
            assertTrue(json.contains("\"path\":\"snap2/lost\",\"kind\":\"directory\",\"error\":\"cannot read directory: EIO (Input/output error)\",\"filledFrom\":null"), json);
        }
    }

    @Test void t04_aNameWhoseLstatFailsIsFilledFromTheMirrorAndLinkedWhenProven() throws Exception {
        try (FaultFs fs = FaultFs.mount(drive, tmp, false)) {
            fs.add(Fault.on(Op.GETATTR).path("snap2/solo/s").eio());
            CliTestSupport.Result r = migrate(fs);
            assertEquals(3, r.code(), r.err());
            assertTrue(r.err().contains("FAILED snap2/solo/s: lstat: EIO"), r.err());
            assertTrue(r.err().contains("WARN snap2/solo/s: filled from mirror:" + mirror + "/snap2/solo/s: 1 paths, 1 verified"), r.err());
            assertEquals(ino("snap1/solo/s"), ino("snap2/solo/s"));
            assertEquals(ino("snap1/solo/s"), ino("snap3/solo/s"));
        }
    }
}
