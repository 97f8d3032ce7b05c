package org.linkrescue.migrate.verify;

import java.util.Locale;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Stat;

/** How findings write values for humans (one place, so tree and archive mode read alike). */
final class Describe {
    private Describe() {}

    static String type(int type) {
        return switch (type) {
            case Stat.S_IFREG -> "file";
            case Stat.S_IFDIR -> "directory";
            case Stat.S_IFLNK -> "symlink";
            case Stat.S_IFIFO -> "fifo";
            case Stat.S_IFCHR -> "character device";
            case Stat.S_IFBLK -> "block device";
            case Stat.S_IFSOCK -> "socket";
            default -> "type " + Integer.toOctalString(type);
        };
    }

    static String mode(int perm) { return String.format(Locale.ROOT, "%04o", perm); }

    static String time(long sec, int nsec) { return String.format(Locale.ROOT, "%d.%09d", sec, nsec); }

    static String target(byte[] t) { return "'" + Names.display(t) + "'"; }

    static String both(String what, String source, String other, String otherName) {
        return what + " " + source + " in SOURCE, " + other + " in " + otherName;
    }
}
