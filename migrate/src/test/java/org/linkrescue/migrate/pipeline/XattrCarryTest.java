package org.linkrescue.migrate.pipeline;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedOutputStream;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.XattrsAt;
import org.linkrescue.migrate.read.PlainContentSource;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.scan.TimedScanCalls;
import org.linkrescue.migrate.sink.DiskSink;
import org.linkrescue.migrate.sink.TarSink;
import org.linkrescue.migrate.stream.BytesContent;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Provenance;

/**
 * Extended attributes (user.*, trusted.*, POSIX ACLs) through migrate, archive and extract, with
 * getfattr and getfacl as the oracles and GNU tar and bsdtar as the peers. Runs as root (trusted.*
 * needs it), like the rest of the suite.
 */
class XattrCarryTest {
    /** NUL and 0xff inside: a value no text handling may touch. */
    static final byte[] BINARY = {0, (byte) 0xff, 'A', 0, '=', '\n', (byte) 0x80};

    @TempDir Path dir;
    Path src;
    final List<String> problems = new ArrayList<>();
    final Problems log = (g, p, w) -> { synchronized (problems) { problems.add(g + " " + (p == null ? "" : Names.latin1(p)) + ": " + w); } };

    @BeforeEach
    void tree() throws Exception {
        src = dir.resolve("src");
        Files.createDirectories(src.resolve("2024-01-01/d"));
        Files.writeString(src.resolve("2024-01-01/f"), "data\n");
        Files.createSymbolicLink(src.resolve("2024-01-01/l"), Path.of("f"));
        sh("mkfifo '" + src.resolve("2024-01-01/p") + "'");
        set(src, ".", "user.root", "at the top");
        set(src, "2024-01-01/f", "user.bin", BINARY);
        set(src, "2024-01-01/f", "trusted.t", "trusted value");
        set(src, "2024-01-01/f", "user.e=q%", "escaped name");
        set(src, "2024-01-01/d", "user.d", "on a dir");
        set(src, "2024-01-01/d", "trusted.d", "trusted on a dir");
        set(src, "2024-01-01/l", "trusted.s", "on a symlink");
        set(src, "2024-01-01/p", "trusted.p", "on a fifo");
        sh("setfacl -m u:1234:rx,u:daemon:r '" + src.resolve("2024-01-01/f") + "' && setfacl -d -m g:55:r '"
                + src.resolve("2024-01-01/d") + "'");
        // The next snapshot, made the user's way: every path a hard link of the first.
        sh("cp -al '" + src.resolve("2024-01-01") + "' '" + src.resolve("2024-01-02") + "'");
        sh("touch -h -d '2020-02-02 02:02:02.123456789' '" + src + "'/2024-01-0*/* '" + src + "'/2024-01-0* '" + src + "'");
    }

    @Test
    void t00_linuxRefusesUserXattrsOnSymlinks_soOnlyTrustedAndSecurityCanBeThere() throws Exception {
        int d = Posix.openDir(Posix.AT_FDCWD, Names.bytes(src.resolve("2024-01-01").toString()));
        try {
            PosixException x = assertThrows(PosixException.class,
                    () -> XattrsAt.set(d, Names.bytes("l"), Names.bytes("user.x"), Names.bytes("v")));
            assertEquals(Errno.EPERM, x.errno());
        } finally {
            Posix.close(d);
        }
    }

    @Test
    void t01_migrateKeepsUserAndTrustedXattrsAndAclsOnFilesDirsSymlinksFifosAndLinkedInodes() throws Exception {
        Path dst = dir.resolve("dst");
        migrate(dst);
        assertEquals(List.of(), problems);
        assertEquals(xattrs(src), xattrs(dst));
        assertEquals(acls(src), acls(dst));
        assertTrue(xattrs(dst).get("2024-01-02/f").contains("user.bin=0x00ff41003d0a80"), "binary value, byte for byte");
        assertEquals(Files.readString(src.resolve("2024-01-01/f")), Files.readString(dst.resolve("2024-01-02/f")));
        assertEquals(sh("stat -c '%i' '" + dst.resolve("2024-01-01/f") + "'"), sh("stat -c '%i' '" + dst.resolve("2024-01-02/f") + "'"));
        assertEquals(mtimes(src), mtimes(dst), "setting xattrs leaves every mtime as the source had it");
    }

    /**
     * On a failing drive the scan lists each inode's attributes on its lookup worker, with the
     * lstat, where it meets the inode first; the path the stream sends first may be another one
     * (d/inner below is sent before z, but the listing of the snapshot met z first): that one
     * lists its own.
     */
    @Test
    void t01b_migrateWithTheScanOnTimedWorkersKeepsTheSameXattrs_whereverALinkedInodeIsMetFirst() throws Exception {
        Files.writeString(src.resolve("2024-01-01/d/inner"), "inner\n");
        set(src, "2024-01-01/d/inner", "user.inner", "met at z first");
        Files.createLink(src.resolve("2024-01-01/z"), src.resolve("2024-01-01/d/inner"));
        Path dst = dir.resolve("dst");
        DiskSink sink = DiskSink.open(Names.bytes(dst.toString()), DiskSink.Options.defaults(), log).allowLinksToNonRegular();
        try (TimedReads reads = new TimedReads(BlockReader.REAL, Duration.ofSeconds(30), 64 * 1024)) {
            new Evacuation(new PlainContentSource(log), log, new RunTotals(), Evacuation.Tuning.DEFAULT)
                    .scanWith(new TimedScanCalls(reads))
                    .run(Names.bytes(src.toString()), sink, Evacuation.SinkKind.COPIES_FROM_DESCRIPTOR);
        }
        assertEquals(List.of(), problems);
        assertEquals(xattrs(src), xattrs(dst));
        assertEquals(acls(src), acls(dst));
        assertTrue(xattrs(dst).get("2024-01-01/z").contains("user.inner="), xattrs(dst).toString());
        assertEquals(mtimes(src), mtimes(dst));
    }

    @Test
    void t02_ourArchiveIsRestoredByGnuTarWithXattrs() throws Exception {
        Path tar = archive();
        Path gnu = Files.createDirectories(dir.resolve("gnu"));
        sh("tar --xattrs --xattrs-include='*' --warning=no-unknown-keyword -xpf '" + tar + "' -C '" + gnu + "'");
        assertEquals(xattrs(src), xattrs(gnu));
        assertEquals(acls(src), acls(gnu));
    }

    @Test
    void t03_ourArchiveIsRestoredByBsdtar_butForItsTwoKnownGaps() throws Exception {
        Path tar = archive();
        Path bsd = Files.createDirectories(dir.resolve("bsd"));
        sh("bsdtar -xpf '" + tar + "' -C '" + bsd + "'");
        // bsdtar 3.6.2 reads SCHILY.xattr names without GNU tar's %3D/%25 decoding, and restores
        // ACLs only from its own text records, never from system.posix_acl_* attributes.
        Map<String, String> expected = xattrs(src);
        expected.replaceAll((p, v) -> v.replaceAll("(?m)^(system\\.posix_acl_\\w+|user\\.e\\\\075q%)=.*\n", ""));
        expected.values().removeIf(String::isEmpty);
        Map<String, String> got = xattrs(bsd);
        got.replaceAll((p, v) -> v.replaceAll("(?m)^user\\.e%3Dq%25=.*\n", ""));
        got.values().removeIf(String::isEmpty);
        assertEquals(expected, got);
    }

    @Test
    void t04_extractRestoresXattrsAndAclsFromGnuTarArchives() throws Exception {
        Path tar = dir.resolve("gnu.tar");
        sh("tar --xattrs --xattrs-include='*' --acls --format=posix -C '" + src + "' -cf '" + tar + "' .");
        Path dst = dir.resolve("dst");
        extract(tar, dst);
        assertEquals(List.of(), problems);
        assertEquals(xattrs(src), xattrs(dst));
        assertEquals(acls(src), acls(dst));
    }

    @Test
    void t05_extractRestoresXattrsAndAclsFromBsdtarArchives_LibarchiveRecordsAndTextAcls() throws Exception {
        Path tar = dir.resolve("bsd.tar");
        sh("bsdtar --format=pax -C '" + src + "' -cf '" + tar + "' .");
        String raw = new String(Files.readAllBytes(tar), StandardCharsets.ISO_8859_1);
        assertTrue(raw.contains("LIBARCHIVE.xattr.user.bin=") && raw.contains("SCHILY.acl.access=")
                && !raw.contains("SCHILY.xattr.system.posix_acl"), "bsdtar writes base64 records and ACLs as text");
        Path dst = dir.resolve("dst");
        extract(tar, dst);
        assertEquals(List.of(), problems);
        assertEquals(xattrs(src), xattrs(dst));
        assertEquals(acls(src), acls(dst));
        assertEquals(modes(src), modes(dst), "bsdtar's mode holds the owning group's bits, the ACL mask wins");
    }

    @Test
    void t06_anXattrTheTargetRefusesIsAWarnNamingPathAttributeAndErrno_andTheRunGoesOn() throws Exception {
        Path tar = dir.resolve("hostile.tar");
        try (OutputStream out = new BufferedOutputStream(new FileOutputStream(tar.toFile()));
             TarSink t = TarSink.open(out, Compression.NONE, 1, c -> Map.of())) {
            t.accept(entry("link", EntryType.SYMLINK, 0, "f", Map.of("SCHILY.xattr.user.x", Names.bytes("v"))), null);
            t.accept(entry("f", EntryType.FILE, 2, null, Map.of("SCHILY.xattr.nonamespace", Names.bytes("v"),
                    "SCHILY.xattr.user.ok", Names.bytes("kept"))), new BytesContent(Names.bytes("ok")));
            t.accept(entry("after", EntryType.FILE, 1, null, null), new BytesContent(Names.bytes("z")));
            t.finish();
        }
        Path dst = dir.resolve("dst");
        extract(tar, dst);
        assertEquals(List.of(
                "WARN link: extended attribute 'user.x' not restored: setxattr: EPERM (Operation not permitted)",
                "WARN f: extended attribute 'nonamespace' not restored: setxattr: EOPNOTSUPP (Operation not supported)"),
                problems);
        assertEquals("ok", Files.readString(dst.resolve("f")));
        assertEquals("z", Files.readString(dst.resolve("after")));
        assertEquals("user.ok=0x6b657074\n", xattrs(dst).get("f"));
    }

    // ---- the three commands, in process ------------------------------------------------------

    private void migrate(Path dst) throws IOException {
        DiskSink sink = DiskSink.open(Names.bytes(dst.toString()), DiskSink.Options.defaults(), log).allowLinksToNonRegular();
        new Evacuation(new PlainContentSource(log), log, new RunTotals(), Evacuation.Tuning.DEFAULT)
                .run(Names.bytes(src.toString()), sink, Evacuation.SinkKind.COPIES_FROM_DESCRIPTOR);
    }

    private Path archive() throws IOException {
        Path tar = dir.resolve("ours.tar");
        try (OutputStream out = new BufferedOutputStream(new FileOutputStream(tar.toFile()))) {
            TarSink sink = TarSink.open(out, Compression.NONE, 1, c -> Map.of());
            new Evacuation(new PlainContentSource(log), log, new RunTotals(), Evacuation.Tuning.DEFAULT)
                    .run(Names.bytes(src.toString()), sink, Evacuation.SinkKind.CONSUMES_BYTES);
        }
        assertEquals(List.of(), problems);
        return tar;
    }

    private void extract(Path tar, Path dst) throws IOException {
        DiskSink sink = DiskSink.open(Names.bytes(dst.toString()), DiskSink.Options.defaults(), log).allowLinksToNonRegular();
        try (InputStream in = new FileInputStream(tar.toFile())) {
            new Extraction(log, new RunTotals(), x -> Provenance.CLEAN).run(in, sink, null);
        }
    }

    private static Entry entry(String path, EntryType t, long size, String target, Map<String, byte[]> extra) {
        return new Entry(Names.bytes(path), t, 0644, 0, 0, null, null, size, 1, 0,
                target == null ? null : Names.bytes(target), 0, 0, extra);
    }

    // ---- oracles: getfattr, getfacl, stat --------------------------------------------------------

    /**
     * Path ("." or "a/b") -> "name=0xHEX\n" lines (sorted), every namespace, symlinks not
     * followed, per getfattr (which shows an '=' in a name as backslash-075).
     */
    static Map<String, String> xattrs(Path root) throws Exception {
        return blocks(sh("cd '" + root + "' && getfattr -R -h -d -m - -e hex ."));
    }

    /** Path -> getfacl's entries (sorted), for paths with an ACL beyond the mode. */
    static Map<String, String> acls(Path root) throws Exception {
        return blocks(sh("cd '" + root + "' && getfacl -R -s -p -n . 2>/dev/null || true"));
    }

    private static Map<String, String> blocks(String out) {
        Map<String, String> m = new TreeMap<>();
        for (String block : out.split("\n\n")) {
            String[] lines = block.strip().split("\n");
            if (lines.length < 2 || !lines[0].startsWith("# file: ")) continue;
            List<String> rest = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) if (!lines[i].startsWith("# ")) rest.add(lines[i]);
            rest.sort(null);
            StringBuilder b = new StringBuilder();
            for (String l : rest) b.append(l).append('\n');
            m.put(lines[0].substring("# file: ".length()), b.toString());
        }
        return m;
    }

    private static String mtimes(Path root) throws Exception {
        return sh("cd '" + root + "' && find . -printf '%p %T@\\n' | sort");
    }

    private static String modes(Path root) throws Exception {
        return sh("cd '" + root + "' && find . -printf '%p %m\\n' | sort");
    }

    private static void set(Path root, String rel, String name, String value) throws PosixException {
        set(root, rel, name, value.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void set(Path root, String rel, String name, byte[] value) throws PosixException {
        Path p = root.resolve(rel).normalize();
        int d = Posix.openDir(Posix.AT_FDCWD, Names.bytes((rel.equals(".") ? p : p.getParent()).toString()));
        try {
            XattrsAt.set(d, rel.equals(".") ? Names.DOT : Names.bytes(p.getFileName().toString()), Names.bytes(name), value);
        } finally {
            Posix.close(d);
        }
    }

    static String sh(String cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        if (p.waitFor() != 0) throw new IOException("`" + cmd + "` failed: " + out);
        return out;
    }
}
