package org.linkrescue.migrate.fs;

import java.util.Arrays;
import java.util.List;
import org.linkrescue.archive.Names;

/**
 * Extended attributes of an open file, every namespace the kernel shows to this process
 * (user., trusted. and security. as root, system.posix_acl_* where ACLs exist). Names and values
 * are bytes: values may be binary (capabilities, ACLs). Lives beside {@link Posix} because it is
 * a door to the OS too; kept in its own class so it can be added without touching Posix.
 */
public final class Xattrs {
    private Xattrs() {}

    /** The attribute names of fd, in the kernel's order. ENOTSUP/EOPNOTSUPP means none can exist. */
    public static List<byte[]> list(int fd) throws PosixException {
        for (int attempt = 0; ; attempt++) {
            long need = Posix.c().flistxattr(fd, null, 0);
            if (need < 0) throw new PosixException("listxattr", null, Posix.errno());
            if (need == 0) return List.of();
            byte[] buf = new byte[(int) need];
            long n = Posix.c().flistxattr(fd, buf, buf.length);
            if (n < 0) {
                // The list grew between the two calls: ask again.
                if (Posix.errno() == Errno.ERANGE && attempt < 5) continue;
                throw new PosixException("listxattr", null, Posix.errno());
            }
            return XattrsAt.split(buf, (int) n);
        }
    }

    /** The value of one attribute of fd. */
    public static byte[] get(int fd, byte[] name) throws PosixException {
        byte[] cname = Names.cstr(name);
        for (int attempt = 0; ; attempt++) {
            long need = Posix.c().fgetxattr(fd, cname, null, 0);
            if (need < 0) throw new PosixException("getxattr", name, Posix.errno());
            byte[] buf = new byte[(int) need];
            if (need == 0) return buf;
            long n = Posix.c().fgetxattr(fd, cname, buf, buf.length);
            if (n < 0) {
                if (Posix.errno() == Errno.ERANGE && attempt < 5) continue;
                throw new PosixException("getxattr", name, Posix.errno());
            }
            return n == buf.length ? buf : Arrays.copyOf(buf, (int) n);
        }
    }

    /** Sets (creates or replaces) one attribute of fd. */
    public static void set(int fd, byte[] name, byte[] value) throws PosixException {
        if (Posix.c().fsetxattr(fd, Names.cstr(name), value, value.length, 0) != 0) {
            throw new PosixException("setxattr", name, Posix.errno());
        }
    }
}
