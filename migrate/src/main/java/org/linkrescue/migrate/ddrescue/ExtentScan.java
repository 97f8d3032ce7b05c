package org.linkrescue.migrate.ddrescue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Fiemap;
import org.linkrescue.migrate.fs.FileExtent;
import org.linkrescue.migrate.fs.FsMap;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * {@code scan --ddrescue-map}: what the mapfile says of every file and directory of a tree,
 * without reading a byte of their data. Each is opened (never followed), checked to be the inode
 * the walk saw, asked for its extents (FIEMAP) and closed; the parts of unrescued areas each one
 * holds are noted, so that what no file or directory holds can be named at the end by the file
 * system's own map ({@link #unowned}, GETFSMAP).
 *
 * <p>Not seen: a symlink's target block (no descriptor of a symlink can be asked), extent-tree
 * and attribute blocks, inode records: their areas show up as owned by no file, with what the
 * file system says of them.
 */
public final class ExtentScan {
    private static final int FILE_FLAGS = Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK | Posix.O_NOCTTY;

    private final DamageMap map;
    private final AreaOwners owners;
    private long filesMapped, extents;

    /** A part of an unrescued area no file or directory under SOURCE holds, and who owns it. */
    public record Unowned(long start, long end, BlockStatus status, String owner, boolean free) {
        public long length() { return end - start; }
    }

    public ExtentScan(DamageMap map) {
        this.map = map;
        this.owners = new AreaOwners(map.areas());
    }

    public DamageMap map() { return map; }
    public long filesMapped() { return filesMapped; }
    public long extents() { return extents; }

    /** The damage of the regular file name below parentFd, which the walk saw as st. */
    public FileDamage file(int parentFd, byte[] name, Stat st) throws IOException {
        if (st.size() == 0) return FileDamage.NONE;
        int fd = open(parentFd, name, FILE_FLAGS);
        try {
            same(fd, st);
            List<FileExtent> ext;
            try {
                ext = Fiemap.of(fd);
            } catch (PosixException e) {
                return DamageMap.unmappable(st.size(), e);
            }
            filesMapped++;
            return noted(ext, st.size());
        } finally {
            Posix.close(fd);
        }
    }

    /**
     * The damage of a directory's own blocks (its entries), where the file system maps them
     * (ext4 does; XFS does not, and its directory blocks then count as owned by no file).
     * Null when it cannot say.
     */
    public FileDamage directory(int parentFd, byte[] name, Stat st) throws IOException {
        int fd = open(parentFd, name, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW);
        try {
            same(fd, st);
            try {
                return noted(Fiemap.of(fd), st.size());
            } catch (PosixException e) {
                return null;
            }
        } finally {
            Posix.close(fd);
        }
    }

    private FileDamage noted(List<FileExtent> ext, long size) {
        extents += ext.size();
        for (FileExtent e : ext) {
            if (e.has(FileExtent.UNKNOWN) || e.has(FileExtent.DELALLOC) || (e.has(FileExtent.DATA_INLINE) && e.physical() == 0))
                continue;
            owners.cover(e.physical(), e.physical() + e.length());
        }
        return map.of(ext, size);
    }

    /** O_NOATIME keeps the scan from writing to the image, but only the owner (or root) may ask. */
    private static int open(int parentFd, byte[] name, int flags) throws PosixException {
        try {
            return Posix.openat(parentFd, name, flags | Posix.O_NOATIME, 0);
        } catch (PosixException e) {
            if (e.errno() != Errno.EPERM) throw e;
            return Posix.openat(parentFd, name, flags, 0);
        }
    }

    private static void same(int fd, Stat st) throws IOException {
        Stat now = Posix.fstat(fd);
        if (now.ino() != st.ino() || now.devId() != st.devId())
            throw new IOException("changed during scan: the path now names inode " + now.ino() + ", not " + st.ino());
    }

    /**
     * After the walk: the parts of unrescued areas that no file or directory of the tree holds,
     * named by GETFSMAP asked through fsFd (any descriptor on the file system).
     */
    public List<Unowned> unowned(int fsFd) {
        List<FsMap.Record> fsmap = null;
        String why = null;
        try {
            fsmap = new ArrayList<>();
            for (FsMap.Record r : FsMap.of(fsFd)) if (!map.areas().within(r.physical(), r.end()).isEmpty()) fsmap.add(r);
        } catch (PosixException e) {
            fsmap = null;
            why = "GETFSMAP: " + e.reason();
        }
        return owners.unowned(fsmap, why);
    }
}
