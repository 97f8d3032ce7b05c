package org.linkrescue.migrate.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.byref.PointerByReference;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import org.linkrescue.archive.Names;

/**
 * The only door to the operating system. Every call is native (jnr-posix's pure-Java fallback
 * would report inode 0 and shell out for link(2), so it is refused at class load), takes names as
 * bytes relative to a directory descriptor, and throws {@link PosixException} with errno instead
 * of returning -1. EINTR is retried here so no caller has to.
 */
public final class Posix {
    private static final LibC C;
    private static final Runtime RT;

    public static final int AT_FDCWD = -100;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200,
            AT_SYMLINK_FOLLOW = 0x400, AT_EMPTY_PATH = 0x1000;
    private static final int STATX_BASIC_STATS = 0x7ff, STATX_MNT_ID = 0x1000;
    /** tv_nsec value telling utimensat/futimens to leave that time as it is. */
    public static final int UTIME_OMIT = (1 << 30) - 2;

    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200,
            O_NOCTTY = 0400, O_TRUNC = 01000, O_NONBLOCK = 04000, O_CLOEXEC = 02000000;
    public static final int O_DIRECTORY, O_NOFOLLOW, O_NOATIME, O_PATH = 010000000;
    public static final int POSIX_FADV_SEQUENTIAL = 2, POSIX_FADV_WILLNEED = 3, POSIX_FADV_DONTNEED = 4;

    static {
        String arch = System.getProperty("os.arch");
        if (arch.equals("aarch64") || arch.equals("arm64")) {
            O_DIRECTORY = 040000; O_NOFOLLOW = 0100000; O_NOATIME = 01000000;
        } else if (arch.equals("amd64") || arch.equals("x86_64")) {
            O_DIRECTORY = 0200000; O_NOFOLLOW = 0400000; O_NOATIME = 01000000;
        } else {
            throw new ExceptionInInitializerError("linkrescue supports Linux on x86_64 and aarch64, not " + arch);
        }
        C = LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, true).load("c");
        RT = Runtime.getRuntime(C);
    }

    /**
     * jnr-posix, loaded on first use only (user and group names): binding it costs ~60 ms of
     * start-up, which migrate and extract never need.
     */
    private static final class Jnr {
        static final POSIX JNR = POSIXFactory.getNativePOSIX();

        static {
            if (!JNR.isNative()) throw new ExceptionInInitializerError("jnr-posix is not native here");
        }
    }

    private Posix() {}

    public static POSIX jnr() { return Jnr.JNR; }
    static LibC c() { return C; }
    public static int errno() { return RT.getLastError(); }
    public static String strerror(int e) {
        try { return C.strerror(e); } catch (Throwable t) { return "errno " + e; }
    }
    public static boolean isRoot() { return C.geteuid() == 0; }

    /**
     * This process's umask, read from /proc/self/status (umask(2) can only be read by setting
     * it, which would race with threads creating files); 022 when the kernel does not say.
     */
    public static int umask() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("Umask:")) return Integer.parseInt(l.substring(6).strip(), 8);
            }
        } catch (IOException | NumberFormatException e) {
            // an old kernel (before 4.7) or no /proc: the usual default
        }
        return 022;
    }
    /** Whether fd is a terminal (a progress line may redraw itself there). */
    public static boolean isatty(int fd) { return C.isatty(fd) == 1; }

    private static final long TIOCGWINSZ = 0x5413; // x86_64 and aarch64 alike

    /**
     * The width of the terminal at fd now (TIOCGWINSZ), or -1 when fd is not a terminal or the
     * terminal does not say (a pseudo-terminal nobody sized). Asked afresh each time, so a
     * window resized since is followed without a SIGWINCH handler.
     */
    public static int terminalColumns(int fd) {
        byte[] ws = new byte[8]; // struct winsize: ws_row, ws_col, ws_xpixel, ws_ypixel (unsigned short each)
        if (C.ioctl(fd, TIOCGWINSZ, ws) != 0) return -1;
        int cols = ByteBuffer.wrap(ws).order(ByteOrder.nativeOrder()).getShort(2) & 0xffff;
        return cols > 0 ? cols : -1;
    }

    private static PosixException fail(String call, byte[] path) { return new PosixException(call, path, errno()); }

    /**
     * What a system call's result means, the one place that knows EINTR: false when it
     * succeeded (result >= 0), true when a signal interrupted it and it is to be made again;
     * else its error is thrown. Each call site is then {@code do r = C.x(..); while (again(r, ..));}:
     * no loop written out by hand, and nothing allocated per call.
     */
    private static boolean again(long result, String call, byte[] path) throws PosixException {
        if (result >= 0) return false;
        if (errno() == Errno.EINTR) return true;
        throw fail(call, path);
    }

    public static int openat(int dirfd, byte[] name, int flags, int mode) throws PosixException {
        byte[] p = Names.cstr(name);
        int fd;
        do fd = C.openat(dirfd, p, flags | O_CLOEXEC, mode); while (again(fd, "open", name));
        return fd;
    }

    /** Opens a directory below dirfd without following a symlink at name. */
    public static int openDir(int dirfd, byte[] name) throws PosixException {
        return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK, 0);
    }

    public static void close(int fd) {
        if (fd >= 0) C.close(fd);
    }

    /** lstat(2) of name below dirfd: never follows a symlink at name. */
    /**
     * Each thread's statx buffer: parsed at once after the call, on the same thread. A scan
     * makes one lstat per path, and a fresh buffer for each was a fifth of everything a
     * migrate of a link farm allocated.
     */
    private static final ThreadLocal<byte[]> STATX = ThreadLocal.withInitial(() -> new byte[256]);

    public static Stat lstatAt(int dirfd, byte[] name) throws PosixException {
        byte[] buf = STATX.get();
        if (C.statx(dirfd, Names.cstr(name), AT_SYMLINK_NOFOLLOW | 0x800 /* AT_NO_AUTOMOUNT */,
                STATX_BASIC_STATS, buf) != 0) throw fail("lstat", name);
        return Stat.parse(buf);
    }

    /** stat(2) of name below dirfd, following symlinks (a file named on the command line). */
    public static Stat statAt(int dirfd, byte[] name) throws PosixException {
        byte[] buf = new byte[256];
        if (C.statx(dirfd, Names.cstr(name), 0, STATX_BASIC_STATS, buf) != 0) throw fail("stat", name);
        return Stat.parse(buf);
    }

    /**
     * The id of the mount fd's file is on (statx STATX_MNT_ID, Linux 5.8+), the first field of
     * /proc/self/mountinfo; -1 when the kernel does not say. Unlike the device number, it also
     * finds a btrfs subvolume's mount (its files carry an anonymous device of their own).
     */
    public static long mountId(int fd) {
        byte[] buf = new byte[256];
        if (C.statx(fd, new byte[1], AT_EMPTY_PATH, STATX_MNT_ID, buf) != 0) return -1;
        ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        return (b.getInt(0) & STATX_MNT_ID) == 0 ? -1 : b.getLong(144); // stx_mask, stx_mnt_id
    }

    public static Stat fstat(int fd) throws PosixException {
        byte[] buf = STATX.get();
        if (C.statx(fd, new byte[1], AT_EMPTY_PATH, STATX_BASIC_STATS, buf) != 0) throw fail("fstat", null);
        return Stat.parse(buf);
    }

    /** Reads a symlink's target, however long, as bytes. */
    public static byte[] readlinkAt(int dirfd, byte[] name) throws PosixException {
        byte[] p = Names.cstr(name);
        for (int size = 4096; ; size *= 4) {
            byte[] buf = new byte[size];
            long n = C.readlinkat(dirfd, p, buf, size);
            if (n < 0) throw fail("readlink", name);
            if (n < size) return Arrays.copyOf(buf, (int) n);
        }
    }

    /**
     * Lists a directory's names (without . and ..), unsorted. The directory is opened afresh
     * through dirfd ("."), so dirfd, its position included, is left as it was.
     */
    public static List<byte[]> listDir(int dirfd) throws PosixException {
        ArrayList<byte[]> names = new ArrayList<>();
        readDir(dirfd, (name, ino, type) -> names.add(name));
        return names;
    }

    /** One entry of a directory as getdents gives it (d_type {@link #DT_UNKNOWN} where the file system does not say). */
    public record Dirent(byte[] name, long ino, byte type) {}

    public static final byte DT_UNKNOWN = 0, DT_DIR = 4;

    /** As {@link #listDir}, with each name's inode number and type as its directory entry gives them. */
    public static List<Dirent> listDirents(int dirfd) throws PosixException {
        ArrayList<Dirent> entries = new ArrayList<>();
        readDir(dirfd, (name, ino, type) -> entries.add(new Dirent(name, ino, type)));
        return entries;
    }

    private interface DirentSink {
        void accept(byte[] name, long ino, byte type);
    }

    /** struct dirent on x86_64 and aarch64: d_ino at 0, d_type at 18, the name from 19. */
    private static void readDir(int dirfd, DirentSink sink) throws PosixException {
        int dup = openat(dirfd, Names.DOT, O_RDONLY | O_DIRECTORY, 0);
        Pointer dir = C.fdopendir(dup);
        if (dir == null) { PosixException e = fail("opendir", null); close(dup); throw e; }
        try {
            while (true) {
                LastError.setLastError(RT, 0);
                Pointer d = C.readdir(dir);
                if (d == null) {
                    int e = errno();
                    if (e != 0) throw new PosixException("readdir", null, e);
                    return;
                }
                int len = d.indexOf(19, (byte) 0);
                if (len == 1 && d.getByte(19) == '.') continue;
                if (len == 2 && d.getByte(19) == '.' && d.getByte(20) == '.') continue;
                byte[] n = new byte[len];
                d.get(19, n, 0, len);
                sink.accept(n, d.getLong(0), d.getByte(18));
            }
        } finally {
            C.closedir(dir);
        }
    }

    /** read(2) into a heap array; returns bytes read, 0 at end of file. */
    public static int read(int fd, byte[] buf, int len) throws PosixException {
        long n;
        do n = C.read(fd, buf, len); while (again(n, "read", null));
        return (int) n;
    }

    public static int pread(int fd, byte[] buf, int len, long off) throws PosixException {
        long n;
        do n = C.pread(fd, buf, len, off); while (again(n, "read", null));
        return (int) n;
    }

    public static int pread(int fd, ByteBuffer direct, int len, long off) throws PosixException {
        long n;
        do n = C.pread(fd, direct, len, off); while (again(n, "read", null));
        return (int) n;
    }

    /** Per-thread staging buffer for writes from heap arrays (the kernel needs native memory). */
    private static final ThreadLocal<ByteBuffer> WRITE_STAGING = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(1 << 20));

    /**
     * Writes all len bytes or throws (ENOSPC and friends). The bytes are staged in a reused
     * direct buffer: one copy, no allocation per call, whatever off is.
     */
    public static void writeFully(int fd, byte[] buf, int off, int len) throws PosixException {
        ByteBuffer staging = WRITE_STAGING.get();
        int done = 0;
        while (done < len) {
            int n = Math.min(staging.capacity(), len - done);
            staging.clear();
            staging.put(buf, off + done, n).flip();
            writeFully(fd, staging, n);
            done += n;
        }
    }

    /** Writes all len bytes of buf[off..] at file offset pos, staged as {@link #writeFully(int, byte[], int, int)} stages them. */
    public static void pwriteFully(int fd, byte[] buf, int off, int len, long pos) throws PosixException {
        ByteBuffer staging = WRITE_STAGING.get();
        int done = 0;
        while (done < len) {
            int n = Math.min(staging.capacity(), len - done);
            staging.clear();
            staging.put(buf, off + done, n).flip();
            pwriteFully(fd, staging, n, pos + done);
            done += n;
        }
    }

    /** Writes len bytes of a direct buffer (from its position) at file offset off; the file position stays. */
    public static void pwriteFully(int fd, ByteBuffer direct, int len, long off) throws PosixException {
        int done = 0;
        while (done < len) {
            ByteBuffer b = done == 0 && direct.position() == 0 ? direct : direct.duplicate().position(direct.position() + done).slice();
            long n = C.pwrite(fd, b, len - done, off + done);
            if (again(n, "write", null)) continue;
            done += (int) n;
        }
    }

    public static void writeFully(int fd, ByteBuffer direct, int len) throws PosixException {
        int done = 0;
        while (done < len) {
            // From absolute offset done (jnr passes a direct buffer's address at its position).
            ByteBuffer b = done == 0 && direct.position() == 0 ? direct : direct.duplicate().position(done).slice();
            long n = C.write(fd, b, len - done);
            if (again(n, "write", null)) continue;
            done += (int) n;
        }
    }

    /**
     * Copies len bytes from in at inOff to out at outOff inside the kernel. Returns the bytes
     * copied (less than len only at the source's end of file); throws on error, with ENOSYS,
     * EXDEV or EOPNOTSUPP meaning "use read/write instead".
     */
    public static long copyFileRange(int in, long inOff, int out, long outOff, long len) throws PosixException {
        LongLongByReference ri = new LongLongByReference(inOff);
        LongLongByReference ro = new LongLongByReference(outOff);
        long done = 0;
        while (done < len) {
            long n = C.copy_file_range(in, ri, out, ro, len - done, 0);
            if (again(n, "copy_file_range", null)) continue;
            if (n == 0) break;
            done += n;
        }
        return done;
    }

    /**
     * One sendfile(2) call (retried on EINTR), to out at its position: the bytes it copied, fewer
     * than len where the source ends or, on a failing drive, where a bad block starts (the error
     * comes with the next call); throws when it copied nothing.
     */
    public static long sendfileOnce(int out, int in, long inOff, long len) throws PosixException {
        LongLongByReference off = new LongLongByReference(inOff);
        long n;
        do n = C.sendfile(out, in, off, Math.min(len, SENDFILE_MAX)); while (again(n, "sendfile", null));
        return n;
    }

    private static final int F_DUPFD_CLOEXEC = 1030;

    /** A second descriptor for fd's open file (same file position), close-on-exec. */
    public static int dup(int fd) throws PosixException {
        int r = C.fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (r < 0) throw fail("dup", null);
        return r;
    }

    /**
     * sendfile(2) of len bytes of in from inOff (in's own position untouched: another thread may
     * be reading it) to out at out's position, which advances. Works from any file in the page
     * cache to any file, across file systems. Returns the bytes copied, less than len only at
     * in's end of file; throws on error (EINVAL or ENOSYS: this pair cannot).
     */
    public static long sendfile(int out, int in, long inOff, long len) throws PosixException {
        LongLongByReference off = new LongLongByReference(inOff);
        long done = 0;
        while (done < len) {
            long n = C.sendfile(out, in, off, Math.min(len - done, SENDFILE_MAX));
            if (again(n, "sendfile", null)) continue;
            if (n == 0) break;
            done += n;
        }
        return done;
    }

    /** The most one sendfile(2) call moves (Linux caps every call there anyway). */
    private static final long SENDFILE_MAX = 0x7ffff000L;

    public static final int SEEK_SET = 0, SEEK_CUR = 1, SEEK_DATA = 3, SEEK_HOLE = 4;

    /**
     * Where the next data at or after from lies in fd's file (lseek SEEK_DATA): from itself when
     * from is in data, the end of the next hole otherwise; -1 when only a hole follows (ENXIO).
     * A file system without hole tracking reports all of the file as data.
     */
    public static long nextData(int fd, long from) throws PosixException {
        long r = C.lseek(fd, from, SEEK_DATA);
        if (r >= 0) return r;
        if (errno() == Errno.ENXIO) return -1;
        throw fail("lseek", null);
    }

    /** Where the hole at or after from begins (lseek SEEK_HOLE); the file's end counts as one. */
    public static long nextHole(int fd, long from) throws PosixException {
        long r = C.lseek(fd, from, SEEK_HOLE);
        if (r < 0) throw fail("lseek", null);
        return r;
    }

    /** lseek(2): the new file offset. ESPIPE for a pipe or a terminal. */
    public static long lseek(int fd, long offset, int whence) throws PosixException {
        long r = C.lseek(fd, offset, whence);
        if (r < 0) throw fail("lseek", null);
        return r;
    }

    public static void mkdirAt(int dirfd, byte[] name, int mode) throws PosixException {
        if (C.mkdirat(dirfd, Names.cstr(name), mode) != 0) throw fail("mkdir", name);
    }

    public static void mknodAt(int dirfd, byte[] name, int mode, int major, int minor) throws PosixException {
        long dev = makedev(major, minor);
        if (C.mknodat(dirfd, Names.cstr(name), mode, dev) != 0) throw fail("mknod", name);
    }

    /** glibc's gnu_dev_makedev. */
    public static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL, mi = minor & 0xffffffffL;
        return (ma & 0x00000fffL) << 8 | (ma & 0xfffff000L) << 32 | (mi & 0x000000ffL) | (mi & 0xffffff00L) << 12;
    }

    public static void symlinkAt(byte[] target, int dirfd, byte[] name) throws PosixException {
        if (C.symlinkat(Names.cstr(target), dirfd, Names.cstr(name)) != 0) throw fail("symlink", name);
    }

    /** linkat without AT_SYMLINK_FOLLOW: a symlink at oldName is linked, never followed. */
    public static void linkAt(int oldDir, byte[] oldName, int newDir, byte[] newName) throws PosixException {
        if (C.linkat(oldDir, Names.cstr(oldName), newDir, Names.cstr(newName), 0) != 0) throw fail("link", newName);
    }

    /**
     * {@link #linkAt} with both names NUL-terminated already (the last byte of each array is 0):
     * a snapshot tree makes hundreds of thousands of links, and each name's copy costs.
     */
    public static void linkAtZ(int oldDir, byte[] oldNameZ, int newDir, byte[] newNameZ) throws PosixException {
        if (C.linkat(oldDir, oldNameZ, newDir, newNameZ, 0) != 0)
            throw fail("link", Arrays.copyOf(newNameZ, newNameZ.length - 1));
    }

    public static void unlinkAt(int dirfd, byte[] name, int flags) throws PosixException {
        if (C.unlinkat(dirfd, Names.cstr(name), flags) != 0) throw fail("unlink", name);
    }

    public static void renameAt(int oldDir, byte[] oldName, int newDir, byte[] newName) throws PosixException {
        if (C.renameat(oldDir, Names.cstr(oldName), newDir, Names.cstr(newName)) != 0) throw fail("rename", newName);
    }

    public static void fchown(int fd, int uid, int gid) throws PosixException {
        if (C.fchown(fd, uid, gid) != 0) throw fail("chown", null);
    }

    public static void lchownAt(int dirfd, byte[] name, int uid, int gid) throws PosixException {
        if (C.fchownat(dirfd, Names.cstr(name), uid, gid, AT_SYMLINK_NOFOLLOW) != 0) throw fail("chown", name);
    }

    public static void fchmod(int fd, int mode) throws PosixException {
        if (C.fchmod(fd, mode) != 0) throw fail("chmod", null);
    }

    /**
     * chmod of name below dirfd without following a symlink there (glibc does it through an
     * O_PATH descriptor; a symlink at name gives EOPNOTSUPP, never a change to its target).
     */
    public static void fchmodAtNoFollow(int dirfd, byte[] name, int mode) throws PosixException {
        if (C.fchmodat(dirfd, Names.cstr(name), mode, AT_SYMLINK_NOFOLLOW) != 0) throw fail("chmod", name);
    }

    public static void futimens(int fd, long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec) throws PosixException {
        if (C.futimens(fd, new long[] {atimeSec, atimeNsec, mtimeSec, mtimeNsec}) != 0) throw fail("utimens", null);
    }

    /** utimensat with AT_SYMLINK_NOFOLLOW: sets a symlink's own times, to the nanosecond. */
    public static void lutimensAt(int dirfd, byte[] name, long atimeSec, int atimeNsec, long mtimeSec, int mtimeNsec)
            throws PosixException {
        if (C.utimensat(dirfd, Names.cstr(name), new long[] {atimeSec, atimeNsec, mtimeSec, mtimeNsec},
                AT_SYMLINK_NOFOLLOW) != 0) throw fail("utimensat", name);
    }

    public static void fsync(int fd) throws PosixException {
        if (C.fsync(fd) != 0) throw fail("fsync", null);
    }

    /** Writes out every dirty page and inode of the file system fd lies on (a rescue map's checkpoint). */
    public static void syncfs(int fd) throws PosixException {
        if (C.syncfs(fd) != 0) throw fail("syncfs", null);
    }

    private static final int FALLOC_FL_KEEP_SIZE = 1;

    /**
     * Reserves [offset, offset + len) of fd's file without changing its size, so later writes
     * there find their blocks allocated even on a full file system. False when the file system
     * cannot (some FUSE file systems do not) or has no room now.
     */
    public static boolean fallocateKeepSize(int fd, long offset, long len) {
        return C.fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, len) == 0;
    }

    public static void ftruncate(int fd, long len) throws PosixException {
        if (C.ftruncate(fd, len) != 0) throw fail("ftruncate", null);
    }

    /**
     * ioctl(2) with a struct that goes in and comes back in arg (retried on EINTR); call names
     * the request in the error.
     */
    static void ioctl(int fd, long request, byte[] arg, String call) throws PosixException {
        int r;
        do r = C.ioctl(fd, request, arg); while (again(r == 0 ? 0 : -1, call, null));
    }

    /**
     * What statfs(2) says of the file system fd's file is on: its type, room, inodes, read-only.
     * The kernel's counters: a dying disk is not read for it.
     */
    public static FsSpace fsSpace(int fd) throws PosixException {
        byte[] buf = new byte[128];
        if (C.fstatfs(fd, buf) != 0) throw fail("statfs", null);
        return FsSpace.parse(buf);
    }

    /** cachestat on x86_64 and aarch64 (one syscall table for new calls). */
    private static final long SYS_CACHESTAT = 451;
    private static final int PAGE_SIZE = C.getpagesize();

    /**
     * How many of fd's bytes are in the page cache (cachestat(2), Linux 6.5+), counted in whole
     * pages; -1 when the kernel cannot tell (older kernel, or a file it does not cache).
     */
    public static long cachedBytes(int fd) {
        long[] range = {0, 0}; // from 0 to the end of the file
        long[] stat = new long[5]; // nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted
        if (C.syscall(SYS_CACHESTAT, fd, range, stat, 0) != 0) return -1;
        return stat[0] * PAGE_SIZE;
    }

    /** Advice only: failures are ignored. */
    public static void fadvise(int fd, long off, long len, int advice) {
        C.posix_fadvise(fd, off, len, advice);
    }

    /**
     * User name for a uid, or null when the system has none. Looked up through our own binding
     * (getpwuid_r), not jnr-posix's: binding jnr-posix costs ~50 ms of start-up, and migrate and
     * archive need nothing else from it.
     */
    public static String userName(int uid) {
        return idName(true, uid);
    }

    /** Group name for a gid, or null when the system has none. */
    public static String groupName(int gid) {
        return idName(false, gid);
    }

    /** The first field of struct passwd and of struct group is the name (char *), on every libc. */
    private static String idName(boolean user, int id) {
        Pointer entry = Memory.allocateDirect(RT, 64); // struct passwd: 48 bytes on LP64
        for (int size = 4096; size <= 1 << 24; size *= 4) {
            Pointer buf = Memory.allocateDirect(RT, size);
            PointerByReference found = new PointerByReference();
            int rc = user ? C.getpwuid_r(id, entry, buf, size, found) : C.getgrgid_r(id, entry, buf, size, found);
            if (rc == Errno.ERANGE) continue; // a group with many members: a larger buffer
            if (rc != 0 || found.getValue() == null) return null;
            Pointer name = entry.getPointer(0);
            if (name == null) return null;
            int len = (int) name.indexOf(0, (byte) 0);
            if (len < 0) return null;
            byte[] b = new byte[len];
            name.get(0, b, 0, len);
            return Names.latin1(b); // under the Latin-1 locale, byte for char
        }
        return null;
    }
}
