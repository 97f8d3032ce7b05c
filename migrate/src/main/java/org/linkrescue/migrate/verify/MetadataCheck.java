package org.linkrescue.migrate.verify;

import java.util.Arrays;
import org.linkrescue.migrate.fs.Stat;

/**
 * Compares what two sides say of one path beyond its type and content: mode (setuid, setgid,
 * sticky included), numeric owner, mtime to the nanosecond (directories and symlinks too),
 * symlink target bytes, device numbers. Both tree mode and archive mode feed it.
 *
 * @param other "TARGET" or "the archive", for the details
 */
record MetadataCheck(Findings out, String other) {
    /** One side's view of a path, independent of where it came from. */
    record Meta(int type, int perm, int uid, int gid, long mtimeSec, int mtimeNsec, byte[] linkTarget,
                int devMajor, int devMinor) {}

    void compare(byte[] path, Meta s, Meta o) {
        if (s.perm() != o.perm())
            out.difference(new Difference(DiffKind.MODE, path,
                    Describe.both("mode", Describe.mode(s.perm()), Describe.mode(o.perm()), other)));
        if (s.uid() != o.uid() || s.gid() != o.gid())
            out.difference(new Difference(DiffKind.OWNER, path,
                    Describe.both("owner", s.uid() + ":" + s.gid(), o.uid() + ":" + o.gid(), other)));
        if (s.mtimeSec() != o.mtimeSec() || s.mtimeNsec() != o.mtimeNsec())
            out.difference(new Difference(DiffKind.MTIME, path, Describe.both("mtime",
                    Describe.time(s.mtimeSec(), s.mtimeNsec()), Describe.time(o.mtimeSec(), o.mtimeNsec()), other)));
        if (s.linkTarget() != null && !Arrays.equals(s.linkTarget(), o.linkTarget()))
            out.difference(new Difference(DiffKind.SYMLINK_TARGET, path, Describe.both("target",
                    Describe.target(s.linkTarget()), o.linkTarget() == null ? "none" : Describe.target(o.linkTarget()), other)));
        boolean device = s.type() == Stat.S_IFCHR || s.type() == Stat.S_IFBLK;
        if (device && (s.devMajor() != o.devMajor() || s.devMinor() != o.devMinor()))
            out.difference(new Difference(DiffKind.DEVICE, path, Describe.both("device",
                    s.devMajor() + ":" + s.devMinor(), o.devMajor() + ":" + o.devMinor(), other)));
    }

    static Meta of(Stat st, byte[] linkTarget) {
        return new Meta(st.type(), st.perm(), st.uid(), st.gid(), st.mtimeSec(), st.mtimeNsec(), linkTarget,
                st.rdevMajor(), st.rdevMinor());
    }
}
