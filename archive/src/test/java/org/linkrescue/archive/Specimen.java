package org.linkrescue.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny vocabulary for trees as entry lists: dir, file, symlink, hardlink, fifo, devices.
 * Paths are Latin-1 stand-ins for bytes; {@link #utf8} turns real text into its UTF-8 bytes.
 */
final class Specimen {
    final List<Entry> entries = new ArrayList<>();
    final Map<String, byte[]> data = new HashMap<>();
    private int uid, gid;
    private String uname = "", gname = "";

    static String utf8(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    static byte[] b(String latin1) { return Names.bytes(latin1); }

    Specimen owner(int uid, int gid, String uname, String gname) {
        this.uid = uid; this.gid = gid; this.uname = uname; this.gname = gname;
        return this;
    }

    private Entry entry(String path, EntryType t, int mode, long size, long sec, int nsec, String link,
                        int major, int minor, Map<String, byte[]> extra) {
        Entry e = new Entry(b(path), t, mode, uid, gid, b(uname), b(gname), size, sec, nsec,
                link == null ? null : b(link), major, minor, extra);
        entries.add(e);
        return e;
    }

    Specimen dir(String path, int mode, long sec, int nsec) {
        entry(path, EntryType.DIRECTORY, mode, 0, sec, nsec, null, 0, 0, null);
        return this;
    }

    Specimen file(String path, int mode, byte[] content, long sec, int nsec) {
        entry(path, EntryType.FILE, mode, content.length, sec, nsec, null, 0, 0, null);
        data.put(path, content);
        return this;
    }

    Specimen file(String path, String content) {
        return file(path, 0644, b(content), 1_600_000_000L, 0);
    }

    Specimen fileWithExtra(String path, String content, Map<String, byte[]> extra) {
        entry(path, EntryType.FILE, 0644, content.length(), 1_600_000_000L, 0, null, 0, 0, new LinkedHashMap<>(extra));
        data.put(path, b(content));
        return this;
    }

    Specimen symlink(String path, String target, long sec, int nsec) {
        entry(path, EntryType.SYMLINK, 0777, 0, sec, nsec, target, 0, 0, null);
        return this;
    }

    Specimen hardlink(String path, String target) {
        Entry t = find(target);
        entries.add(t.withPath(b(path)).asHardLinkTo(b(target)));
        return this;
    }

    Specimen fifo(String path, int mode, long sec, int nsec) {
        entry(path, EntryType.FIFO, mode, 0, sec, nsec, null, 0, 0, null);
        return this;
    }

    Specimen device(String path, EntryType type, int major, int minor, long sec) {
        entry(path, type, 0640, 0, sec, 0, null, major, minor, null);
        return this;
    }

    Entry find(String path) {
        for (Entry e : entries) if (Names.latin1(e.path()).equals(path)) return e;
        throw new IllegalArgumentException("no entry " + path);
    }

    void writeTo(OutputStream out) throws IOException {
        TarWriter w = new TarWriter(out);
        for (Entry e : entries) {
            w.putEntry(e);
            byte[] d = data.get(Names.latin1(e.path()));
            if (e.type() == EntryType.FILE) w.write(d, 0, d.length);
            w.closeEntry();
        }
        w.finish();
    }

    byte[] tar() {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            writeTo(b);
            return b.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every kind of odd entry the issue names, except devices and paths over 4096 bytes (they
     * have their own tests): raw and UTF-8 names, newline and tab, 255-byte components, long
     * symlink targets, ns mtimes on files, dirs and symlinks, setuid/setgid/sticky, big ids,
     * hard links, a FIFO. All names either fit ustar fields or are ASCII, so no hdrcharset.
     */
    static Specimen oddTree() { // in depth-first order, as a scan makes it
        String n255 = "n".repeat(255);
        String deep = "p".repeat(90) + "/" + "q".repeat(90) + "/" + "r".repeat(90); // 272 bytes: pax path
        return new Specimen()
                .dir(".", 0755, 1_600_000_100L, 987_654_321)
                .dir("d", 0750, 1_600_000_000L, 123_456_789)
                .file("d/plain", 0644, b("hello\n"), 1_600_000_001L, 1)
                .file("d/bad\u00ffname", 0600, b("latin-1 byte ff"), 1_600_000_002L, 999_999_999)
                .file("d/" + utf8("caf\u00e9"), 0644, b("utf-8 name"), 1_600_000_003L, 0)
                .file("d/new\nline\ttab", 0644, b("control bytes"), 1_600_000_004L, 500_000_000)
                .file("d/" + n255, 0644, b("255-byte name"), 1_600_000_005L, 5)
                .file("d/empty", 0644, new byte[0], 1_600_000_006L, 0)
                .file("d/block", 0644, new byte[512], 1_600_000_007L, 0)
                .file("d/random", 0644, random(300_001), 1_600_000_008L, 8)
                .file("d/setuid", 04755, b("#!/bin/sh\n"), 1_600_000_009L, 0)
                .symlink("d/short-link", "plain", 1_600_000_014L, 140_000_000)
                .symlink("d/long-link", "../" + "t".repeat(300), 1_600_000_015L, 15)
                .symlink("d/raw-link", "bad\u00ffname", 1_600_000_016L, 0)
                .symlink("d/abs-link", "/etc/passwd", 1_600_000_017L, 0)
                .hardlink("d/hardlink", "d/plain")
                .dir("sticky", 01777, 1_600_000_010L, 10)
                .dir("setgid", 02755, 1_600_000_011L, 0)
                .dir(deep.substring(0, 90), 0755, 1_600_000_012L, 0)
                .dir(deep.substring(0, 181), 0755, 1_600_000_012L, 0)
                .dir(deep, 0755, 1_600_000_012L, 0)
                .file(deep + "/" + "s".repeat(200), 0644, b("long path"), 1_600_000_013L, 13)
                .hardlink("hardlink-too", "d/plain")
                .fifo("fifo", 0640, 1_600_000_018L, 18)
                .owner(3_000_000, 4_000_000, "u", "g")
                .file("big-ids", 0644, b("ids over 2097151"), 1_600_000_019L, 0)
                .owner(1234, 5678, "a-user-name-of-forty-bytes-0123456789ab", "grp")
                .file("long-uname", 0644, b("uname over 32 bytes"), 1_600_000_020L, 0)
                .owner(0, 0, "root", "root");
    }

    static byte[] random(int n) {
        byte[] r = new byte[n];
        new java.util.Random(n).nextBytes(r);
        return r;
    }
}
