package org.linkrescue.migrate.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.XattrRecords;
import org.linkrescue.archive.XattrRecords.Xattr;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.XattrsAt;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Compares the extended attributes of one path on two sides (every namespace the kernel shows
 * to this process, ACLs as their system.posix_acl_* attributes): each attribute only on one side,
 * or with another value, is one "xattr" difference naming it. The caller asks once per inode:
 * hard links share attributes.
 *
 * @param other "TARGET" or "the archive", for the details
 */
record XattrCheck(Findings out, Problems problems, String other) {

    /** The attributes of dirFd/name (not followed), or null when they cannot be read (reported). */
    List<Xattr> read(int dirFd, byte[] name, byte[] path, String side) {
        try {
            List<byte[]> names = XattrsAt.list(dirFd, name);
            if (names.isEmpty()) return List.of();
            List<Xattr> xs = new ArrayList<>(names.size());
            for (byte[] n : names) {
                try {
                    xs.add(new Xattr(n, XattrsAt.get(dirFd, name, n)));
                } catch (PosixException e) {
                    if (e.errno() != Errno.ENODATA) throw e;
                }
            }
            return xs;
        } catch (PosixException e) {
            if (e.errno() == Errno.EOPNOTSUPP) return List.of();
            problems.report(Grade.FAILED, path, "extended attributes in " + side + ": " + e.call() + ": "
                    + e.reason() + "; not compared");
            return null;
        }
    }

    /** The attributes an archive entry carries. */
    List<Xattr> of(Map<String, byte[]> extra, byte[] path) {
        return XattrRecords.of(extra, key -> problems.report(Grade.FAILED, path,
                "extended attribute record '" + key + "' in the archive is malformed; not compared"));
    }

    void compare(byte[] path, List<Xattr> source, List<Xattr> o) {
        if (source == null || o == null || (source.isEmpty() && o.isEmpty())) return;
        Map<String, byte[]> s = byName(source), t = byName(o);
        for (Map.Entry<String, byte[]> x : s.entrySet()) {
            byte[] v = t.get(x.getKey());
            String shown = "'" + Names.display(Names.bytes(x.getKey())) + "'";
            if (v == null) {
                out.difference(new Difference(DiffKind.XATTR, path, "xattr " + shown + " in SOURCE, not in " + other));
            } else if (!Arrays.equals(v, x.getValue())) {
                out.difference(new Difference(DiffKind.XATTR, path, "xattr " + shown + " is "
                        + value(x.getValue()) + " in SOURCE, " + value(v) + " in " + other));
            }
        }
        for (String k : t.keySet()) {
            if (!s.containsKey(k))
                out.difference(new Difference(DiffKind.XATTR, path, "xattr '" + Names.display(Names.bytes(k))
                        + "' in " + other + ", not in SOURCE"));
        }
    }

    private static Map<String, byte[]> byName(List<Xattr> xs) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (Xattr x : xs) m.put(Names.latin1(x.name()), x.value());
        return m;
    }

    /** A value for humans: escaped, and cut after 40 bytes with its length. */
    private static String value(byte[] v) {
        if (v.length <= 40) return "'" + Names.display(v) + "'";
        return "'" + Names.display(Arrays.copyOf(v, 40)) + "...' (" + v.length + " bytes)";
    }
}
