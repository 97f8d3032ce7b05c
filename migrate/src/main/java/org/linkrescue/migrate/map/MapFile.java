package org.linkrescue.migrate.map;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;

/**
 * The rescue map on disk: created with its header and a first checkpoint (made durable before
 * the run writes anything else), then appended to a group at a time, each group closed by its
 * checkpoint line and made durable (fdatasync) before the call returns. Space for the next
 * groups is reserved ahead (fallocate, size kept), so a checkpoint still fits when the run
 * stops because the target is full. When the map has grown to several times what it holds
 * that still matters, {@link #compact} writes the state afresh beside it and renames it over.
 *
 * <p>Names are bytes; the path is opened as given (relative to the working directory).
 */
public final class MapFile implements AutoCloseable {
    /** The map's name inside TARGET (migrate, extract), unless --map names another file. */
    public static final String IN_TARGET = ".linkrescue-map";
    /** Beside an archive FILE: FILE + this. */
    public static final String BESIDE_ARCHIVE = ".linkrescue-map";
    /** The first word of a marker in TARGET that says the map is elsewhere. */
    static final String ELSEWHERE = "linkrescue-map-at";
    /** Appended to the map's name while a compacted copy is written beside it. */
    static final String COMPACTING = ".compacting";
    /** Space kept reserved past the end (bytes). */
    private static final long RESERVE = 1 << 20;

    private final byte[] path;
    private int fd;
    private long size;
    private long reservedTo;
    private long compactedSize;

    private MapFile(byte[] path, int fd, long size) {
        this.path = path;
        this.fd = fd;
        this.size = size;
        this.compactedSize = size;
        reserve();
    }

    public byte[] path() { return path; }

    public String shown() { return Names.display(path); }

    /**
     * Creates the map (never over an existing one) with its header and a first, empty checkpoint,
     * durable, the directory entry too.
     */
    public static MapFile create(byte[] path, MapHeader h) throws IOException {
        int fd;
        try {
            fd = Posix.openat(Posix.AT_FDCWD, path, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW, 0644);
        } catch (PosixException e) {
            if (e.errno() == Errno.EEXIST) throw new IOException("a rescue map is already at '" + Names.display(path) + "'", e);
            throw new IOException("cannot create the rescue map '" + Names.display(path) + "': " + e.reason(), e);
        }
        MapFile m = new MapFile(path, fd, 0);
        try {
            StringBuilder sb = new StringBuilder();
            MapRecords.header(sb, h);
            MapRecords.status(sb, 0, null, '?', 1);
            m.append(sb);
            syncDir(path);
            return m;
        } catch (IOException e) {
            m.close();
            throw e;
        }
    }

    /** Reads the map at path up to its last whole group. */
    public static MapState read(byte[] path) throws IOException {
        try (InputStream in = new FileInputStream(Names.latin1(path))) {
            return MapRecords.replay(in, Names.display(path));
        }
    }

    /**
     * Opens a map read as s for appending: whatever follows its last whole group (a group torn
     * by a kill) is cut off first.
     */
    public static MapFile reopen(byte[] path, MapState s) throws IOException {
        int fd;
        try {
            fd = Posix.openat(Posix.AT_FDCWD, path, Posix.O_WRONLY | Posix.O_NOFOLLOW, 0);
        } catch (PosixException e) {
            throw new IOException("cannot write the rescue map '" + Names.display(path) + "': " + e.reason(), e);
        }
        try {
            Posix.ftruncate(fd, s.validBytes);
            Posix.lseek(fd, s.validBytes, Posix.SEEK_SET);
        } catch (PosixException e) {
            Posix.close(fd);
            throw new IOException("cannot write the rescue map '" + Names.display(path) + "': " + e.reason(), e);
        }
        return new MapFile(path, fd, s.validBytes);
    }

    /**
     * Appends a group of records, closed by its checkpoint line, and makes it durable. The
     * group is whole on disk when this returns, or the map ends at the group before.
     */
    public void append(CharSequence group) throws IOException {
        byte[] body = group.toString().getBytes(StandardCharsets.ISO_8859_1);
        CRC32 crc = new CRC32();
        crc.update(body);
        byte[] end = MapRecords.checkpointLine(crc).getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[body.length + end.length];
        System.arraycopy(body, 0, all, 0, body.length);
        System.arraycopy(end, 0, all, body.length, end.length);
        try {
            Posix.writeFully(fd, all, 0, all.length);
            Posix.fsync(fd);
        } catch (PosixException e) {
            // Cut back what was written of it, so the next group does not follow a torn one.
            try {
                Posix.ftruncate(fd, size);
                Posix.lseek(fd, size, Posix.SEEK_SET);
            } catch (PosixException ignored) {
                // the reader ignores a torn group anyway
            }
            throw new IOException("cannot write the rescue map '" + Names.display(path) + "': " + e.reason(), e);
        }
        size += all.length;
        if (size + RESERVE / 4 > reservedTo) reserve();
    }

    /** Bytes the map holds. */
    public long size() { return size; }

    /** Whether the map has grown to several times its size after the last compaction. */
    public boolean wantsCompaction() { return size > 4 * compactedSize && size > (8L << 20); }

    /**
     * Replaces the map by header + state (one group), written beside it and renamed over it,
     * durable before and after the rename.
     */
    public void compact(CharSequence everything) throws IOException {
        byte[] tmp = Arrays.copyOf(path, path.length + COMPACTING.length());
        System.arraycopy(Names.bytes(COMPACTING), 0, tmp, path.length, COMPACTING.length());
        try {
            Posix.unlinkAt(Posix.AT_FDCWD, tmp, 0);
        } catch (PosixException ignored) {
            // not there: the usual case
        }
        int nfd;
        try {
            nfd = Posix.openat(Posix.AT_FDCWD, tmp, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW, 0644);
        } catch (PosixException e) {
            throw new IOException("cannot compact the rescue map '" + Names.display(path) + "': " + e.reason(), e);
        }
        MapFile next = new MapFile(path, nfd, 0);
        try {
            next.append(everything);
            Posix.renameAt(Posix.AT_FDCWD, tmp, Posix.AT_FDCWD, path);
            syncDir(path);
        } catch (IOException e) {
            next.close();
            try {
                Posix.unlinkAt(Posix.AT_FDCWD, tmp, 0);
            } catch (PosixException ignored) {
                // the old map is still whole; this one never counted
            }
            throw e;
        }
        Posix.close(fd);
        fd = next.fd;
        size = next.size;
        reservedTo = next.reservedTo;
        compactedSize = size;
    }

    /** The run completed: the map goes (durably), so the target no longer reads as interrupted. */
    public void remove() throws IOException {
        close();
        try {
            Posix.unlinkAt(Posix.AT_FDCWD, path, 0);
        } catch (PosixException e) {
            if (e.errno() != Errno.ENOENT) throw new IOException("cannot remove the rescue map '" + Names.display(path) + "': " + e.reason(), e);
        }
        syncDir(path);
    }

    @Override
    public void close() {
        if (fd >= 0) {
            Posix.close(fd);
            fd = -1;
        }
    }

    /** Reserves room past the end: 1 MiB, or 64 KiB where that does not fit (a small file system). */
    private void reserve() {
        for (long r : new long[] {RESERVE, RESERVE / 16}) {
            if (Posix.fallocateKeepSize(fd, size, r)) {
                reservedTo = size + r;
                return;
            }
        }
        reservedTo = Long.MAX_VALUE; // the file system cannot: nothing to keep up
    }

    static byte[] parent(byte[] path) {
        int slash = -1;
        for (int i = path.length - 1; i >= 0; i--) if (path[i] == '/') { slash = i; break; }
        if (slash < 0) return new byte[0];
        if (slash == 0) return Names.bytes("/");
        return Arrays.copyOf(path, slash);
    }

    static void syncDir(byte[] path) throws IOException {
        byte[] dir = parent(path);
        if (dir.length == 0) dir = Names.DOT;
        try {
            int d = Posix.openat(Posix.AT_FDCWD, dir, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            try {
                Posix.fsync(d);
            } finally {
                Posix.close(d);
            }
        } catch (PosixException e) {
            throw new IOException("cannot make the rescue map's directory durable: " + e.reason(), e);
        }
    }
}
