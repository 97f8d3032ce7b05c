package org.linkrescue.migrate.fs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.archive.Names;

/**
 * Extended attributes of a name below a directory descriptor, never following a symlink at
 * name, so they work for every kind of file (a symlink, a FIFO) without opening it. The kernel
 * has fd-relative xattr calls only since Linux 6.13 (listxattrat and friends, no glibc wrapper
 * yet): listing, the call made for every inode, uses listxattrat when the kernel has it;
 * everything else, and listing on older kernels, goes through "/proc/self/fd/DIRFD/NAME" with
 * the l*xattr calls, which keeps the path short however deep the directory lies.
 */
public final class XattrsAt {
    /** listxattrat on x86_64 and aarch64 (one syscall table for new calls since Linux 6.11). */
    private static final long SYS_LISTXATTRAT = 465;
    private static final byte[] PROC_FD = "/proc/self/fd/".getBytes(StandardCharsets.US_ASCII);
    /** Most inodes have no attributes and the rest few: one call fills this reused buffer. */
    private static final ThreadLocal<byte[]> LIST = ThreadLocal.withInitial(() -> new byte[4096]);
    private static volatile boolean listAtWorks = true;

    private XattrsAt() {}

    /** The attribute names of dirFd/name in the kernel's order; ENOTSUP/EOPNOTSUPP means none can exist. */
    public static List<byte[]> list(int dirFd, byte[] name) throws PosixException {
        byte[] cname = Names.cstr(name);
        byte[] buf = LIST.get();
        for (int attempt = 0; ; attempt++) {
            long n = listOnce(dirFd, cname, name, buf, buf.length);
            if (n >= 0) return split(buf, (int) n);
            if (Posix.errno() != Errno.ERANGE || attempt >= 5) throw new PosixException("listxattr", name, Posix.errno());
            long need = listOnce(dirFd, cname, name, null, 0);
            if (need < 0) throw new PosixException("listxattr", name, Posix.errno());
            buf = new byte[(int) need + 256];
        }
    }

    private static long listOnce(int dirFd, byte[] cname, byte[] name, byte[] buf, int len) {
        if (listAtWorks) {
            long n = Posix.c().syscall(SYS_LISTXATTRAT, dirFd, cname, Posix.AT_SYMLINK_NOFOLLOW, buf, len);
            if (n >= 0) return n;
            int e = Posix.errno();
            // ENOSYS: an older kernel; EPERM: a seccomp filter that refuses calls it does not know.
            if (e != Errno.ENOSYS && e != Errno.EPERM) return n;
            listAtWorks = false;
        }
        return Posix.c().llistxattr(procPath(dirFd, name), buf, len);
    }

    /** The value of attribute attr of dirFd/name. */
    public static byte[] get(int dirFd, byte[] name, byte[] attr) throws PosixException {
        byte[] path = procPath(dirFd, name);
        byte[] cattr = Names.cstr(attr);
        for (int attempt = 0; ; attempt++) {
            long need = Posix.c().lgetxattr(path, cattr, null, 0);
            if (need < 0) throw new PosixException("getxattr", name, Posix.errno());
            byte[] buf = new byte[(int) need];
            if (need == 0) return buf;
            long n = Posix.c().lgetxattr(path, cattr, buf, buf.length);
            if (n < 0) {
                if (Posix.errno() == Errno.ERANGE && attempt < 5) continue; // it grew meanwhile
                throw new PosixException("getxattr", name, Posix.errno());
            }
            return n == buf.length ? buf : Arrays.copyOf(buf, (int) n);
        }
    }

    /** The value of attribute attr of the open file fd; null when it has none (ENODATA). */
    public static byte[] getOf(int fd, byte[] attr) throws PosixException {
        byte[] cattr = Names.cstr(attr);
        for (int attempt = 0; ; attempt++) {
            long need = Posix.c().fgetxattr(fd, cattr, null, 0);
            if (need < 0) {
                if (Posix.errno() == Errno.ENODATA) return null;
                throw new PosixException("getxattr", null, Posix.errno());
            }
            byte[] buf = new byte[(int) need];
            if (need == 0) return buf;
            long n = Posix.c().fgetxattr(fd, cattr, buf, buf.length);
            if (n < 0) {
                if (Posix.errno() == Errno.ERANGE && attempt < 5) continue;
                if (Posix.errno() == Errno.ENODATA) return null;
                throw new PosixException("getxattr", null, Posix.errno());
            }
            return n == buf.length ? buf : Arrays.copyOf(buf, (int) n);
        }
    }

    /** Sets (creates or replaces) attribute attr of the open file fd. */
    public static void setOf(int fd, byte[] attr, byte[] value) throws PosixException {
        if (Posix.c().fsetxattr(fd, Names.cstr(attr), value, value.length, 0) != 0)
            throw new PosixException("setxattr", null, Posix.errno());
    }

    /** Sets (creates or replaces) attribute attr of dirFd/name. */
    public static void set(int dirFd, byte[] name, byte[] attr, byte[] value) throws PosixException {
        if (Posix.c().lsetxattr(procPath(dirFd, name), Names.cstr(attr), value, value.length, 0) != 0)
            throw new PosixException("setxattr", name, Posix.errno());
    }

    /** "/proc/self/fd/DIRFD/NAME\0": the directory by its descriptor, the last name not followed by l*xattr. */
    static byte[] procPath(int dirFd, byte[] name) {
        byte[] fd = Integer.toString(dirFd).getBytes(StandardCharsets.US_ASCII);
        byte[] p = new byte[PROC_FD.length + fd.length + 1 + name.length + 1];
        System.arraycopy(PROC_FD, 0, p, 0, PROC_FD.length);
        System.arraycopy(fd, 0, p, PROC_FD.length, fd.length);
        p[PROC_FD.length + fd.length] = '/';
        System.arraycopy(name, 0, p, PROC_FD.length + fd.length + 1, name.length);
        return p; // the last byte stays 0
    }

    /** Turns a NUL-separated name list into names. */
    static List<byte[]> split(byte[] buf, int n) {
        if (n == 0) return List.of();
        List<byte[]> names = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (buf[i] == 0) {
                if (i > start) names.add(Arrays.copyOfRange(buf, start, i));
                start = i + 1;
            }
        }
        return names;
    }

    /** Visible for tests: whether listing still uses listxattrat (false after ENOSYS). */
    static boolean listAtInUse() { return listAtWorks; }
}
