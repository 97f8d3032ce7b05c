package org.linkrescue.migrate.sink;

import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;

/** A tiny vocabulary for building entries in tests; paths are Latin-1 strings (1 char = 1 byte). */
final class Entries {
    static final long T = 1_600_000_000L; // a fixed mtime, far from "now"
    static final int UID = 0, GID = 0;

    private Entries() {}

    static Entry file(String path, int mode, long size) {
        return new Entry(Names.bytes(path), EntryType.FILE, mode, UID, GID, null, null, size, T, 0, null, 0, 0, null);
    }

    static Entry file(String path, long size) { return file(path, 0644, size); }

    static Entry dir(String path, int mode) {
        return new Entry(Names.bytes(path), EntryType.DIRECTORY, mode, UID, GID, null, null, 0, T, 0, null, 0, 0, null);
    }

    static Entry dir(String path) { return dir(path, 0755); }

    static Entry symlink(String path, String target) {
        return new Entry(Names.bytes(path), EntryType.SYMLINK, 0777, UID, GID, null, null, 0, T, 0,
                Names.bytes(target), 0, 0, null);
    }

    static Entry hardLink(String path, String target) {
        return new Entry(Names.bytes(path), EntryType.HARDLINK, 0644, UID, GID, null, null, 0, T, 0,
                Names.bytes(target), 0, 0, null);
    }

    static Entry special(EntryType type, String path, int mode, int major, int minor) {
        return new Entry(Names.bytes(path), type, mode, UID, GID, null, null, 0, T, 0, null, major, minor, null);
    }

    /** Same entry with another owner and mtime. */
    static Entry with(Entry e, int uid, int gid, long sec, int nsec) {
        return new Entry(e.path(), e.type(), e.mode(), uid, gid, e.uname(), e.gname(), e.size(), sec, nsec,
                e.linkTarget(), e.devMajor(), e.devMinor(), e.extra());
    }
}
