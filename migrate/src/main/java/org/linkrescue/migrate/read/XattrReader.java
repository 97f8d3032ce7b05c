package org.linkrescue.migrate.read;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.XattrRecords;
import org.linkrescue.archive.XattrRecords.Xattr;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.XattrsAt;
import org.linkrescue.migrate.scan.ScanCalls;
import org.linkrescue.migrate.scan.ScannedPath;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Reads the extended attributes of a scanned path (every namespace the kernel shows: user.,
 * trusted. and security. as root, system.posix_acl_* for ACLs) without following a symlink,
 * and puts them into the entry as {@code SCHILY.xattr.*} records, which both sinks carry. One
 * list call per inode, nearly always answered "none"; the caller asks only for the first path
 * of a hard-linked inode, since links share attributes.
 *
 * <p>An attribute that cannot be read is reported (WARN: the path is archived without it) and the
 * rest are still read. It does not guarantee a consistent view of attributes changed while the
 * tree is read.
 */
public final class XattrReader {
    private final Problems problems;
    private final ScanCalls calls;

    public XattrReader(Problems problems) {
        this(problems, ScanCalls.DIRECT);
    }

    /** Making its calls through calls: timed ones on a failing drive, where an inode's attributes stall as its data does. */
    public XattrReader(Problems problems, ScanCalls calls) {
        this.problems = problems;
        this.calls = calls;
    }

    /** e with the attributes of dirFd/name added to its extra records, or e itself when it has none. */
    public Entry attach(Entry e, int dirFd, byte[] name) {
        return attach(e, dirFd, name, null);
    }

    /**
     * e with the attributes of the scanned path p added: their names as the scan listed them
     * with its lstat when it did ({@link ScannedPath#xattrs}), else listed now.
     */
    public Entry attach(Entry e, ScannedPath p) {
        return attach(e, p.parentFd(), p.name(), p.xattrs());
    }

    private Entry attach(Entry e, int dirFd, byte[] name, ScanCalls.ListedXattrs listed) {
        List<Xattr> xs = read(dirFd, name, e.path(), listed);
        return xs.isEmpty() ? e : e.withExtra(XattrRecords.with(e.extra(), xs));
    }

    /** The attributes of dirFd/name, reporting (path) any that cannot be read or carried. */
    public List<Xattr> read(int dirFd, byte[] name, byte[] path) {
        return read(dirFd, name, path, null);
    }

    /** @param listed the names the scan listed already, or null to list them here */
    private List<Xattr> read(int dirFd, byte[] name, byte[] path, ScanCalls.ListedXattrs listed) {
        List<byte[]> names;
        if (listed != null && listed.stall() != null) {
            problems.report(Grade.WARN, path, "extended attributes not read: " + listed.stall());
            return List.of();
        } else if (listed != null) {
            names = listed.names();
        } else try {
            names = calls.call("listxattr", () -> XattrsAt.list(dirFd, name));
        } catch (PosixException x) {
            if (x.errno() != Errno.EOPNOTSUPP) // a filesystem without attributes has none to lose
                problems.report(Grade.WARN, path, "extended attributes not read: listxattr: " + x.reason());
            return List.of();
        } catch (IOException x) { // did not return in time
            problems.report(Grade.WARN, path, "extended attributes not read: " + x.getMessage());
            return List.of();
        }
        if (names.isEmpty()) return List.of();
        List<Xattr> out = new ArrayList<>(names.size());
        for (byte[] attr : names) {
            if (!XattrRecords.carriable(attr)) {
                problems.report(Grade.WARN, path, "extended attribute '" + Names.display(attr)
                        + "' not carried: a newline in its name cannot go into a pax record");
                continue;
            }
            try {
                out.add(new Xattr(attr, calls.call("getxattr", () -> XattrsAt.get(dirFd, name, attr))));
            } catch (PosixException x) {
                if (x.errno() == Errno.ENODATA) continue; // removed since the list: nothing to carry
                problems.report(Grade.WARN, path, "extended attribute '" + Names.display(attr)
                        + "' not read: getxattr: " + x.reason());
            } catch (IOException x) { // did not return in time
                problems.report(Grade.WARN, path, "extended attribute '" + Names.display(attr) + "' not read: " + x.getMessage());
            }
        }
        return out;
    }
}
