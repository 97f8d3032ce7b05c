package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * The disk sink's last pass: every directory's mode, owner and mtime (and its ACLs) wait in the
 * {@link DirTree} until nothing more is made inside it, then are applied children before
 * parents, so a directory that ends up closed is never needed again to reach a child. A
 * directory made only because an entry below needed it gets the implicit mode.
 *
 * <p>The tree is walked afresh, depth first, each directory opened from its parent's descriptor
 * with O_DIRECTORY|O_NOFOLLOW (a directory swapped for a symlink or a file since is refused,
 * with everything below it). Cost is linear in the directories, however deep: the descriptors of
 * the walk's path are kept, at most {@code maxOpen} of them (the deepest); climbing back above
 * those, a parent is opened as ".." of its child before the child is touched, and must be the
 * very directory (device and inode) that was let go, else it is walked to from the root by name.
 */
final class DirectoryFinisher {
    private final int rootFd;
    private final int maxOpen;
    /** Walks to directories that must already exist; never creates one. */
    private final DirCursor lookups;
    private final MetadataWriter meta;
    private final ModeRule modes;
    private final SinkFailures failures;
    private final Problems problems;
    private final DirTree tree = new DirTree();

    DirectoryFinisher(int rootFd, int maxOpen, DirCursor lookups, MetadataWriter meta, ModeRule modes,
                      SinkFailures failures, Problems problems) {
        this.rootFd = rootFd;
        this.maxOpen = maxOpen;
        this.lookups = lookups;
        this.meta = meta;
        this.modes = modes;
        this.failures = failures;
        this.problems = problems;
    }

    /** The directories walked into, for the cursor that makes the missing ones. */
    DirTree tree() { return tree; }

    /** The target's root, made by this run: 0700 while filling, like any implicit directory. */
    void implicitRoot() { tree.root.implicit(); }

    /** A directory entry: its metadata, for the end. */
    void explicit(DirTree.Node node, SafePath p, Entry e) {
        node.explicit(p.isRoot() ? tree.root.path() : p.bytes(), e);
    }

    /** The same for the entry at place seq, which a rescue map records. */
    void explicit(DirTree.Node node, SafePath p, Entry e, long seq) {
        explicit(node, p, e);
        DiskSink.Ledger l = ledger;
        if (l != null) l.directory(seq, e);
    }

    private volatile DiskSink.Ledger ledger;

    void ledger(DiskSink.Ledger l) {
        ledger = l;
        tree.onImplicit(l::implicitDir);
    }

    /** Something to do once every directory below the root has its metadata. */
    interface BeforeRoot {
        void run() throws IOException;
    }

    private BeforeRoot beforeRoot;

    /**
     * Applies every directory's metadata, children before parents, then the deferred ACLs;
     * beforeRoot (if any) runs just before the root's own metadata.
     */
    void apply(BeforeRoot beforeRoot) throws IOException {
        this.beforeRoot = beforeRoot;
        new Walk().run();
        for (XattrWriter.Deferred d : meta.deferredAcls()) acl(d);
    }

    /** One directory on the walk's path: its descriptor while held, its identity once let go. */
    private static final class Frame {
        final DirTree.Node node;
        final Iterator<DirTree.Node> children;
        int fd;
        long dev = -1, ino = -1;

        Frame(DirTree.Node node, int fd) {
            this.node = node;
            this.children = node.children();
            this.fd = fd;
        }
    }

    /** A post-order walk of the tree holding at most maxOpen descriptors of its path. */
    private final class Walk {
        private final List<Frame> path = new ArrayList<>();
        private int lowOpen = 1; // frames [lowOpen, top] hold descriptors; frame 0 is the root's, not ours

        void run() throws IOException {
            path.add(new Frame(tree.root, rootFd));
            try {
                while (!path.isEmpty()) {
                    Frame top = path.get(path.size() - 1);
                    if (top.children.hasNext()) {
                        enter(top, top.children.next());
                    } else {
                        leave(top);
                    }
                }
            } finally {
                for (int i = Math.max(1, lowOpen); i < path.size(); i++) Posix.close(path.get(i).fd);
            }
        }

        private void enter(Frame parent, DirTree.Node child) throws TargetWriteException {
            int fd;
            try {
                fd = Posix.openDir(parent.fd, child.name);
            } catch (PosixException x) {
                if (TargetWriteException.isTargetFailure(x.errno())) throw failures.fatal(child.path(), x);
                if (x.errno() == Errno.ELOOP || x.errno() == Errno.ENOTDIR) {
                    if (child.waits()) report(child, "refused: no longer a directory", true);
                    String below = "refused: parent '" + Names.display(child.path()) + "' " + DirCursor.whatIs(parent.fd, child.name);
                    for (Iterator<DirTree.Node> c = child.children(); c.hasNext(); ) notApplied(c.next(), below, true);
                } else {
                    notApplied(child, x.getMessage(), false);
                }
                return;
            }
            path.add(new Frame(child, fd));
            if (path.size() - lowOpen > maxOpen) letGo(path.get(lowOpen++));
        }

        /** All below top is done: its parent made reachable first, then its own metadata. */
        private void leave(Frame top) throws IOException {
            int i = path.size() - 1;
            if (i == 0 && beforeRoot != null) beforeRoot.run();
            boolean parentLost = i > 0 && path.get(i - 1).fd < 0 && !reopen(i - 1, top.fd);
            try {
                applyTo(top.node, top.fd);
            } finally {
                path.remove(i);
                if (i > 0) Posix.close(top.fd);
            }
            if (parentLost) { // every frame above lost its descriptor before: none is reachable now
                for (int k = i - 1; k >= 1; k--) {
                    Frame f = path.remove(k);
                    if (f.node.waits()) report(f.node, "refused: no longer where it was made", true);
                    while (f.children.hasNext()) notApplied(f.children.next(), "refused: no longer where it was made", true);
                }
                lowOpen = 1;
            } else if (i > 0 && lowOpen > i - 1) {
                lowOpen = Math.max(1, i - 1);
            }
        }

        /** Keeps a frame's identity and gives its descriptor up. */
        private void letGo(Frame f) throws TargetWriteException {
            try {
                Stat st = Posix.fstat(f.fd);
                f.dev = ((long) st.devMajor() << 32) | st.devMinor();
                f.ino = st.ino();
            } catch (PosixException x) {
                f.dev = -1; // unknown: found again by name
            } finally {
                Posix.close(f.fd);
                f.fd = -1;
            }
        }

        /**
         * Opens frame i again: ".." of its child if that is the same directory (device and
         * inode), else by name from the root; false when it cannot be reached any more.
         */
        private boolean reopen(int i, int childFd) throws TargetWriteException {
            Frame f = path.get(i);
            try {
                int fd = Posix.openDir(childFd, DOTDOT);
                Stat st = Posix.fstat(fd);
                if (f.dev >= 0 && (((long) st.devMajor() << 32) | st.devMinor()) == f.dev && st.ino() == f.ino) {
                    f.fd = fd;
                    return true;
                }
                Posix.close(fd);
            } catch (PosixException x) {
                // moved, or not searchable: by name below
            }
            int fd = rootFd;
            try {
                for (int k = 1; k <= i; k++) {
                    int next = Posix.openDir(fd, path.get(k).node.name);
                    if (fd != rootFd) Posix.close(fd);
                    fd = next;
                }
            } catch (PosixException x) {
                if (fd != rootFd) Posix.close(fd);
                if (TargetWriteException.isTargetFailure(x.errno())) throw failures.fatal(f.node.path(), x);
                return false;
            }
            f.fd = fd;
            return true;
        }
    }

    private static final byte[] DOTDOT = {'.', '.'};

    /** What one directory waits for, on its open descriptor. */
    private void applyTo(DirTree.Node n, int fd) throws TargetWriteException {
        if (!n.waits()) return;
        try {
            if (n.isExplicit()) {
                meta.onFd(fd, n.path(), n.uid(), n.gid(), n.mode(), n.mtimeSec(), n.mtimeNsec());
            } else {
                try {
                    Posix.fchmod(fd, modes.implicitDir());
                } catch (PosixException x) {
                    meta.notRestored(n.path(), "mode", x);
                }
            }
        } catch (PosixException x) {
            if (TargetWriteException.isTargetFailure(x.errno())) throw failures.fatal(n.path(), x);
            problems.report(Grade.WARN, n.path(), "directory metadata not applied: " + x.getMessage());
        }
    }

    /** A directory that cannot be entered: its metadata and that of every directory below it are not applied. */
    private void notApplied(DirTree.Node top, String why, boolean failed) {
        List<DirTree.Node> todo = new ArrayList<>(List.of(top));
        while (!todo.isEmpty()) {
            DirTree.Node n = todo.remove(todo.size() - 1);
            if (n.waits()) report(n, why, failed);
            for (Iterator<DirTree.Node> c = n.children(); c.hasNext(); ) todo.add(c.next());
        }
    }

    private void report(DirTree.Node n, String why, boolean failed) {
        problems.report(failed ? Grade.FAILED : Grade.WARN, n.path(), "directory metadata not applied: " + why);
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
