package org.linkrescue.migrate.sink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.XattrRecords;
import org.linkrescue.archive.XattrRecords.Xattr;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Xattrs;
import org.linkrescue.migrate.fs.XattrsAt;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Restores the extended attributes an entry carries ({@link XattrRecords}) on what the disk sink
 * made: on the open descriptor of a file or directory, by name below the parent's descriptor for
 * a symlink, FIFO or device. Every failure is a WARN naming the path, the attribute and errno,
 * and the run goes on: a target may refuse a namespace (user.* on a symlink, security.* under
 * an LSM, trusted.* when not root) without that costing the data.
 *
 * <p>Text ACL records (GNU tar --acls, bsdtar) are turned into the system.posix_acl_* attribute
 * they stand for ({@link AclText}), unless the entry carries that attribute itself.
 */
final class XattrWriter {
    private final Problems problems;

    XattrWriter(Problems problems) {
        this.problems = problems;
    }

    /**
     * Sets on fd every attribute in extra, and returns the mode to give fd afterwards: with an
     * access ACL that has a mask, the mode's group bits are the mask (what stat shows and GNU tar
     * archives); bsdtar archives the owning group's bits there instead, and a chmod with those
     * would narrow the mask.
     */
    int onFd(int fd, byte[] path, Map<String, byte[]> extra, int mode) {
        if (extra.isEmpty()) return mode;
        for (Xattr x : attributes(path, extra)) {
            try {
                Xattrs.set(fd, x.name(), x.value());
                if (Arrays.equals(x.name(), XattrRecords.POSIX_ACL_ACCESS)) mode = AclText.withMask(mode, x.value());
            } catch (PosixException e) {
                notRestored(path, x, e);
            }
        }
        return mode;
    }

    /** Sets on dirFd/name (not followed) every attribute in extra. */
    void byName(int dirFd, byte[] name, byte[] path, Map<String, byte[]> extra) {
        if (extra.isEmpty()) return;
        for (Xattr x : attributes(path, extra)) {
            try {
                XattrsAt.set(dirFd, name, x.name(), x.value());
            } catch (PosixException e) {
                notRestored(path, x, e);
            }
        }
    }

    /**
     * A directory's ACLs wait for the end of the run, after its mode: a default ACL set now would
     * give every file made inside an inherited ACL the source never had, and an access ACL set
     * after the chmod keeps its mask whatever group bits the archive's mode has.
     */
    record Deferred(byte[] path, Xattr acl) {}

    /** Synchronized: the sink's lanes make directories at once. */
    private final List<Deferred> deferred = Collections.synchronizedList(new ArrayList<>());

    /**
     * Sets the attributes of a directory just made, dirFd/name (name null: dirFd itself), but
     * defers its ACLs ({@link #deferred}).
     */
    void directory(int dirFd, byte[] name, byte[] path, Map<String, byte[]> extra) {
        if (extra.isEmpty()) return;
        for (Xattr x : attributes(path, extra)) {
            if (Arrays.equals(x.name(), XattrRecords.POSIX_ACL_DEFAULT)
                    || Arrays.equals(x.name(), XattrRecords.POSIX_ACL_ACCESS)) {
                deferred.add(new Deferred(path, x));
                continue;
            }
            set(dirFd, name, path, x);
        }
    }

    /** The ACLs of a directory made earlier (by a stopped run of a resumed rescue), deferred as {@link #directory} does. */
    void deferAcls(byte[] path, Map<String, byte[]> extra) {
        if (extra.isEmpty()) return;
        for (Xattr x : attributes(path, extra)) {
            if (Arrays.equals(x.name(), XattrRecords.POSIX_ACL_DEFAULT)
                    || Arrays.equals(x.name(), XattrRecords.POSIX_ACL_ACCESS)) deferred.add(new Deferred(path, x));
        }
    }

    /** ACLs of directories, to set with {@link #set} after their mode, once nothing more is made in them. */
    List<Deferred> deferred() { return deferred; }

    /** Sets one attribute on dirFd/name (name null: on dirFd itself); a failure is a WARN. */
    void set(int dirFd, byte[] name, byte[] path, Xattr x) {
        try {
            if (name == null) Xattrs.set(dirFd, x.name(), x.value());
            else XattrsAt.set(dirFd, name, x.name(), x.value());
        } catch (PosixException e) {
            notRestored(path, x, e);
        }
    }

    /** The attributes of an open file as records, to give a separate copy of it the same ones. */
    Map<String, byte[]> recordsOf(int fd, byte[] path) {
        try {
            List<byte[]> names = Xattrs.list(fd);
            if (names.isEmpty()) return Map.of();
            List<Xattr> xs = new ArrayList<>(names.size());
            for (byte[] n : names) xs.add(new Xattr(n, Xattrs.get(fd, n)));
            return XattrRecords.with(Map.of(), xs);
        } catch (PosixException e) {
            problems.report(Grade.WARN, path, "extended attributes not copied: " + e.call() + ": " + e.reason());
            return Map.of();
        }
    }

    private List<Xattr> attributes(byte[] path, Map<String, byte[]> extra) {
        List<Xattr> xs = XattrRecords.of(extra, key -> problems.report(Grade.WARN, path,
                "extended attribute record '" + Names.display(Names.bytes(key)) + "' not restored: malformed"));
        return AclText.addAcls(xs, extra, path, problems);
    }

    private void notRestored(byte[] path, Xattr x, PosixException e) {
        problems.report(Grade.WARN, path, "extended attribute '" + x.display() + "' not restored: "
                + e.call() + ": " + e.reason());
    }
}
