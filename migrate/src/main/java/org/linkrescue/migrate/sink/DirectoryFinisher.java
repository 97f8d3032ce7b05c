package org.linkrescue.migrate.sink;

import java.io.IOException;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * The disk sink's last pass: every directory's mode, owner and mtime (and its ACLs) wait until
 * nothing more is made inside it ({@link DirFixups}), then are applied deepest first, each
 * directory reached by a fresh no-follow walk and re-checked to be a directory before it is
 * touched. A directory made only because an entry below needed it gets the implicit mode.
 */
final class DirectoryFinisher {
    private static final byte[] ROOT_NAME = Names.DOT;

    private final int rootFd;
    /** Walks to directories that must already exist; never creates one. */
    private final DirCursor lookups;
    private final MetadataWriter meta;
    private final SinkFailures failures;
    private final Problems problems;
    private final DirFixups fixups = new DirFixups();

    DirectoryFinisher(int rootFd, DirCursor lookups, MetadataWriter meta, SinkFailures failures, Problems problems) {
        this.rootFd = rootFd;
        this.lookups = lookups;
        this.meta = meta;
        this.failures = failures;
        this.problems = problems;
    }

    /** A directory made because an entry below it needed one (path relative to the root, depth its components). */
    void implicit(byte[] path, int depth) { fixups.implicit(path, depth); }

    /** The target's root, made by this run: 0700 while filling, like any implicit directory. */
    void implicitRoot() { fixups.implicit(ROOT_NAME, 0); }

    /** A directory entry: its metadata, for the end. */
    void explicit(SafePath p, Entry e) {
        fixups.explicit(p.isRoot() ? ROOT_NAME : p.prefix(p.count()), p.count(), e.mode(), e.uid(), e.gid(),
                e.mtimeSec(), e.mtimeNsec());
    }

    /** Applies every directory's metadata, deepest first, then the deferred ACLs. */
    void apply() throws TargetWriteException {
        for (DirFixups.Fixup f : fixups.inApplyOrder()) apply(f);
        for (XattrWriter.Deferred d : meta.deferredAcls()) acl(d);
        fixups.clear();
    }

    private void apply(DirFixups.Fixup f) throws TargetWriteException {
        int fd = -1;
        boolean own = false;
        try {
            SafePath p = SafePath.parse(f.path());
            if (p.isRoot()) {
                fd = rootFd;
            } else {
                int dir = lookups.parentOf(p);
                try {
                    fd = Posix.openDir(dir, p.lastName());
                } catch (PosixException x) {
                    if (x.errno() == Errno.ELOOP || x.errno() == Errno.ENOTDIR) {
                        throw new Refused("no longer a directory");
                    }
                    throw x;
                }
                own = true;
            }
            if (f.explicit()) {
                meta.onFd(fd, f.path(), f.uid(), f.gid(), f.mode(), f.mtimeSec(), f.mtimeNsec());
            } else {
                try {
                    Posix.fchmod(fd, f.mode());
                } catch (PosixException x) {
                    meta.notRestored(f.path(), "mode", x);
                }
            }
        } catch (Refused r) {
            problems.report(Grade.FAILED, f.path(), "directory metadata not applied: refused: " + r.reason());
        } catch (PosixException x) {
            if (TargetWriteException.isTargetFailure(x.errno())) throw failures.fatal(f.path(), x);
            problems.report(Grade.WARN, f.path(), "directory metadata not applied: " + x.getMessage());
        } finally {
            if (own) Posix.close(fd);
        }
    }

    /** A directory's ACLs, after its mode, once nothing more is made inside it (see {@link XattrWriter}). */
    private void acl(XattrWriter.Deferred d) {
        try {
            SafePath p = SafePath.parse(d.path());
            if (p.isRoot()) meta.setAcl(rootFd, null, d.path(), d.acl());
            else meta.setAcl(lookups.parentOf(p), p.lastName(), d.path(), d.acl());
        } catch (Refused | IOException x) {
            problems.report(Grade.WARN, d.path(), "extended attribute '" + d.acl().display() + "' not restored: " + x.getMessage());
        }
    }
}
