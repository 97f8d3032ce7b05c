package org.linkrescue.migrate.fs;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.byref.LongLongByReference;
import jnr.ffi.byref.PointerByReference;

/**
 * The libc calls jnr-posix does not bind: every path argument is a NUL-terminated byte array
 * relative to a directory descriptor, so names are never decoded and paths of any length work
 * (each component is resolved from its parent's descriptor, never as one long string).
 * Callers go through {@link Posix}, which adds the NUL and turns -1 into exceptions.
 */
@SaveError
public interface LibC {
    int openat(int dirfd, @In byte[] path, int flags, int mode);
    int close(int fd);
    int statx(int dirfd, @In byte[] path, int flags, int mask, @Out byte[] statxbuf);
    Pointer fdopendir(int fd);
    Pointer readdir(Pointer dir);
    int closedir(Pointer dir);
    long read(int fd, @Out ByteBuffer buf, long count);
    long pread(int fd, @Out ByteBuffer buf, long count, long offset);
    long read(int fd, @Out byte[] buf, long count);
    long pread(int fd, @Out byte[] buf, long count, long offset);
    long write(int fd, @In ByteBuffer buf, long count);
    long write(int fd, @In byte[] buf, long count);
    long pwrite(int fd, @In byte[] buf, long count, long offset);
    long pwrite(int fd, @In ByteBuffer buf, long count, long offset);
    long copy_file_range(int fdIn, LongLongByReference offIn, int fdOut, LongLongByReference offOut,
                         long len, int flags);
    long lseek(int fd, long offset, int whence);
    int fcntl(int fd, int cmd, int arg);
    long sendfile(int outFd, int inFd, LongLongByReference offset, long count);
    int mkdirat(int dirfd, @In byte[] path, int mode);
    int mknodat(int dirfd, @In byte[] path, int mode, long dev);
    int symlinkat(@In byte[] target, int newdirfd, @In byte[] linkpath);
    long readlinkat(int dirfd, @In byte[] path, @Out byte[] buf, long bufsiz);
    int linkat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath, int flags);
    int unlinkat(int dirfd, @In byte[] path, int flags);
    int renameat(int olddirfd, @In byte[] oldpath, int newdirfd, @In byte[] newpath);
    int fchownat(int dirfd, @In byte[] path, int uid, int gid, int flags);
    int fchown(int fd, int uid, int gid);
    int fchmod(int fd, int mode);
    int fchmodat(int dirfd, @In byte[] path, int mode, int flags);
    int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);
    int futimens(int fd, @In long[] times);
    int fsync(int fd);
    int syncfs(int fd);
    int fallocate(int fd, int mode, long offset, long len);
    int ftruncate(int fd, long length);
    int posix_fadvise(int fd, long offset, long len, int advice);
    long fgetxattr(int fd, @In byte[] name, @Out byte[] value, long size);
    long flistxattr(int fd, @Out byte[] list, long size);
    int fsetxattr(int fd, @In byte[] name, @In byte[] value, long size, int flags);
    long lgetxattr(@In byte[] path, @In byte[] name, @Out byte[] value, long size);
    long llistxattr(@In byte[] path, @Out byte[] list, long size);
    int lsetxattr(@In byte[] path, @In byte[] name, @In byte[] value, long size, int flags);
    /** syscall(2) for listxattrat(dfd, path, at_flags, list, size) (Linux 6.13+; glibc 2.36 has no wrapper). */
    long syscall(long number, long dfd, @In byte[] path, long atFlags, @Out byte[] list, long size);
    /** Reentrant: the scan and the sinks' threads may ask at once (jnr-posix's getpwuid is not). */
    int getpwuid_r(int uid, Pointer pwd, Pointer buf, long buflen, PointerByReference result);
    int getgrgid_r(int gid, Pointer grp, Pointer buf, long buflen, PointerByReference result);
    /** syscall(2) for cachestat(fd, range, cstat, flags) (Linux 6.5+; glibc 2.36 has no wrapper). */
    long syscall(long number, long fd, @In long[] range, @Out long[] cstat, long flags);
    /** ioctl(2) with a struct in and out (FS_IOC_FIEMAP, FS_IOC_GETFSMAP): the array is copied both ways. */
    int ioctl(int fd, long request, byte[] arg);
    int fstatfs(int fd, @Out byte[] buf);
    int getpagesize();
    int geteuid();
    int isatty(int fd);
    String strerror(int errnum);
}
