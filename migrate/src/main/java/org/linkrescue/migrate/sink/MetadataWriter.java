package org.linkrescue.migrate.sink;

import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.XattrRecords.Xattr;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Gives what the disk sink made its owner, mode, times, extended attributes and ACLs, in the
 * one order that keeps each: owner first (chown clears setuid/setgid and drops
 * security.capability), then attributes, then mode, then times (nothing after may touch them).
 * What cannot be restored is a WARN naming the path; a full, read-only or failing target is
 * thrown. Safe on any thread: a data thread gives a file it wrote its metadata.
 */
final class MetadataWriter {
    private final boolean restoreOwners;
    private final ModeRule modes;
    private final Problems problems;
    private final XattrWriter xattrs;

    MetadataWriter(boolean restoreOwners, ModeRule modes, Problems problems) {
        this.restoreOwners = restoreOwners;
        this.modes = modes;
        this.problems = problems;
        this.xattrs = new XattrWriter(problems);
    }

    /** A file whose data is written: its metadata from the entry; what fstat said of it as made. */
    Stat afterData(int fd, Entry e) throws PosixException {
        Stat st = Posix.fstat(fd); // as made: its inode, and the owner and mode it already has
        onFd(fd, e.path(), st, e.uid(), e.gid(), e.mode(), e.mtimeSec(), e.mtimeNsec(), e.extra());
        return st;
    }

    /** Owner, mode and times of an open object, without extended attributes. */
    void onFd(int fd, byte[] path, int uid, int gid, int mode, long mSec, int mNsec) throws PosixException {
        onFd(fd, path, null, uid, gid, mode, mSec, mNsec, Map.of());
    }

    /** The same, with extended attributes after the owner. */
    void onFd(int fd, byte[] path, int uid, int gid, int mode, long mSec, int mNsec, Map<String, byte[]> extra)
            throws PosixException {
        onFd(fd, path, null, uid, gid, mode, mSec, mNsec, extra);
    }

    /**
     * @param as what fstat said of the object before any change, or null when unknown: an owner
     *           or mode it already has is not set again (a new file usually has both right)
     */
    private void onFd(int fd, byte[] path, Stat as, int uid, int gid, int mode, long mSec, int mNsec,
                      Map<String, byte[]> extra) throws PosixException {
        mode = modes.of(mode);
        boolean chowned = false;
        if (restoreOwners && (as == null || as.uid() != uid || as.gid() != gid)) {
            chowned = true;
            try {
                Posix.fchown(fd, uid, gid);
            } catch (PosixException x) {
                notRestored(path, "owner", x);
            }
        }
        mode = xattrs.onFd(fd, path, extra, mode);
        // chown clears setuid/setgid, and an ACL sets mode bits: then mode is set whatever it was.
        boolean modeRight = as != null && as.perm() == (mode & 07777) && !(chowned && (mode & 06000) != 0)
                && extra.isEmpty();
        if (!modeRight) try {
            Posix.fchmod(fd, mode & 07777);
        } catch (PosixException x) {
            notRestored(path, "mode", x);
        }
        try {
            Posix.futimens(fd, 0, Posix.UTIME_OMIT, mSec, mNsec);
        } catch (PosixException x) {
            notRestored(path, "mtime", x);
        }
    }

    /**
     * Owner, extended attributes, mode (withMode: a FIFO or device; a symlink has none of its
     * own) and times of dir/name, never following it.
     */
    void byName(int dir, byte[] name, Entry e, boolean withMode) throws PosixException {
        if (restoreOwners) {
            try {
                Posix.lchownAt(dir, name, e.uid(), e.gid());
            } catch (PosixException x) {
                notRestored(e.path(), "owner", x);
            }
        }
        xattrs.byName(dir, name, e.path(), e.extra());
        if (withMode) {
            try {
                Posix.fchmodAtNoFollow(dir, name, modes.of(e.mode())); // after chown, which clears setuid
            } catch (PosixException x) {
                notRestored(e.path(), "mode", x);
            }
        }
        try {
            Posix.lutimensAt(dir, name, 0, Posix.UTIME_OMIT, e.mtimeSec(), e.mtimeNsec());
        } catch (PosixException x) {
            notRestored(e.path(), "mtime", x);
        }
    }

    /** A directory just made, dirFd/name (name null: dirFd itself): its attributes, its ACLs deferred. */
    void directoryXattrs(int dirFd, byte[] name, byte[] path, Map<String, byte[]> extra) {
        xattrs.directory(dirFd, name, path, extra);
    }

    /** A directory a stopped run made and gave its attributes: only its ACLs are still due. */
    void deferDirectoryAcls(byte[] path, Map<String, byte[]> extra) {
        xattrs.deferAcls(path, extra);
    }

    /** ACLs of directories, to set with {@link #setAcl} after their mode, once nothing more is made in them. */
    List<XattrWriter.Deferred> deferredAcls() { return xattrs.deferred(); }

    /** Sets a deferred ACL on dirFd/name (name null: on dirFd itself); a failure is a WARN. */
    void setAcl(int dirFd, byte[] name, byte[] path, Xattr acl) {
        xattrs.set(dirFd, name, path, acl);
    }

    /** The attributes of an open file as records, to give a separate copy of it the same ones. */
    Map<String, byte[]> recordsOf(int fd, byte[] path) { return xattrs.recordsOf(fd, path); }

    /** A WARN, unless the target itself failed: that is thrown. */
    void notRestored(byte[] path, String what, PosixException x) throws PosixException {
        if (TargetWriteException.isTargetFailure(x.errno())) throw x;
        problems.report(Grade.WARN, path, what + " not restored: " + x.reason());
    }
}
