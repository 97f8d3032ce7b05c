package org.linkrescue.migrate.fs;

/** errno values used by name; identical on x86_64 and aarch64 (asm-generic). */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, ENXIO = 6, EBADF = 9,
            EAGAIN = 11, ENOMEM = 12, EACCES = 13, EEXIST = 17, EXDEV = 18, ENODEV = 19,
            ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, EFBIG = 27,
            ENOSPC = 28, EROFS = 30, EMLINK = 31, ENAMETOOLONG = 36, ENOSYS = 38, ENOTEMPTY = 39, ELOOP = 40,
            ENODATA = 61, EOPNOTSUPP = 95, EDQUOT = 122, ESTALE = 116, ERANGE = 34;

    private Errno() {}

    /** Errors no source of a copy causes (a full, over-quota or read-only target), whichever call reported them. */
    public static boolean isTargetOnly(int e) {
        return e == ENOSPC || e == EDQUOT || e == EROFS;
    }

    /**
     * Limits of this machine, not failures of a file or a drive: out of descriptors (the
     * process's, the system's) or out of memory. Whichever call met them, going on would fail
     * the next call the same way.
     */
    public static boolean isMachineLimit(int e) {
        return e == EMFILE || e == ENFILE || e == ENOMEM;
    }

    /** The target has no room (full, or over quota): freeing some lets a stopped run resume. */
    public static boolean isTargetFull(int e) { return e == ENOSPC || e == EDQUOT; }

    /** A kernel-side copy (copy_file_range, sendfile) cannot be made between these two files at all. */
    public static boolean isCopyUnsupported(int e) {
        return e == EXDEV || e == ENOSYS || e == EOPNOTSUPP || e == EINVAL;
    }

    /** "EIO", "ENOENT", ... for reports; "errno N" for the rest. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM"; case ENOENT -> "ENOENT"; case EINTR -> "EINTR";
            case EIO -> "EIO"; case ENXIO -> "ENXIO"; case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN"; case ENOMEM -> "ENOMEM"; case EACCES -> "EACCES";
            case EEXIST -> "EEXIST"; case EXDEV -> "EXDEV"; case ENODEV -> "ENODEV";
            case ENOTDIR -> "ENOTDIR"; case EISDIR -> "EISDIR"; case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE"; case EMFILE -> "EMFILE";
            case EFBIG -> "EFBIG"; case ENOSPC -> "ENOSPC"; case EROFS -> "EROFS";
            case EMLINK -> "EMLINK"; case ENAMETOOLONG -> "ENAMETOOLONG"; case ENOSYS -> "ENOSYS";
            case ENOTEMPTY -> "ENOTEMPTY"; case ELOOP -> "ELOOP"; case ENODATA -> "ENODATA";
            case EOPNOTSUPP -> "EOPNOTSUPP"; case EDQUOT -> "EDQUOT"; case ESTALE -> "ESTALE";
            case ERANGE -> "ERANGE";
            default -> "errno " + errno;
        };
    }
}
