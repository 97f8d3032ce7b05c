package org.linkrescue.migrate.sink;

import java.util.Arrays;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Finds the directory that will hold an entry, walking from the target's root descriptor one
 * component at a time with O_DIRECTORY|O_NOFOLLOW, so a parent that is a symlink or not a
 * directory stops the walk (and the entry) instead of being followed out of the target.
 *
 * <p>Consecutive entries of a depth-first stream share their parents, so the descriptors of the
 * current directory stack are kept: an entry costs one compare of its parent path with the stack
 * plus one openat per new level. At most {@code maxOpen} descriptors stay open (the deepest
 * levels; paths may have thousands of components); climbing above them re-walks from the root.
 * The cache is sound because the sink never removes or renames a directory: a kept descriptor
 * still names the directory at that path. (Another process renaming directories inside the
 * target while we extract is not defended against; see package-info.)
 */
final class DirCursor implements AutoCloseable {
    private final int rootFd;
    private final int maxOpen;
    private final DirTree tree; // null: never create, refuse missing parents

    // The stack: components of the current directory path "c1/c2/../cdepth" and their ends.
    private byte[] path = new byte[512];
    private int[] ends = new int[32];
    private int depth;
    // Open descriptors for levels low..high (high == depth whenever the range is not empty).
    private int[] fds = new int[32];
    private int low = 1, high = 0;
    // With a tree: the node of each level of the stack (nodes[0] its root), and of the last answer.
    private DirTree.Node[] nodes;
    private DirTree.Node answered;

    /**
     * @param tree where the directories walked into are kept, and those the cursor had to make
     *             because an entry needed them are marked implicit; null: never create, refuse
     *             a missing parent
     */
    DirCursor(int rootFd, int maxOpen, DirTree tree) {
        if (maxOpen < 1) throw new IllegalArgumentException("maxOpen " + maxOpen);
        this.rootFd = rootFd;
        this.maxOpen = maxOpen;
        this.tree = tree;
        if (tree != null) {
            nodes = new DirTree.Node[32];
            nodes[0] = tree.root;
        }
    }

    /** The tree node of the directory the last call answered with (the cursor must have a tree). */
    DirTree.Node node() { return answered; }

    /**
     * The descriptor of the directory holding p's last component (the cursor keeps it open; the
     * caller must not close it, and it stays valid until the next call).
     *
     * @throws Refused       a parent is a symlink, not a directory, or (when not creating) missing
     * @throws PosixException the target failed otherwise (the caller grades it)
     */
    int parentOf(SafePath p) throws Refused, PosixException {
        return dirAt(p, p.count() - 1);
    }

    /** The descriptor of directory p itself (the root's for the root). */
    int dirOf(SafePath p) throws Refused, PosixException {
        return dirAt(p, p.count());
    }

    private int dirAt(SafePath p, int n) throws Refused, PosixException {
        if (n <= 0) {
            if (tree != null) answered = tree.root;
            return rootFd;
        }
        int common = 0;
        int lim = Math.min(depth, n);
        while (common < lim && sameComponent(p, common)) common++;
        truncate(common);
        if (depth > 0 && high < low) rewalk(); // the stack is known, its descriptors were given up
        for (int k = depth; k < n; k++) push(p, k);
        if (tree != null) answered = nodes[depth];
        return fds[depth];
    }

    private boolean sameComponent(SafePath p, int i) {
        int s = p.start(i), e = p.end(i);
        int ms = i == 0 ? 0 : ends[i - 1] + 1;
        return ends[i] == e && Arrays.equals(path, ms, ends[i], p.bytes(), s, e);
    }

    /** Pops the stack down to level n, closing the descriptors of the levels left. */
    private void truncate(int n) {
        for (int k = high; k > n && k >= low; k--) {
            Posix.close(fds[k]);
            fds[k] = -1;
        }
        depth = n;
        if (high > n) high = n;
        if (high < low) { low = n + 1; high = n; }
    }

    /** The stack's levels are known but their descriptors were given up: open them again. */
    private void rewalk() throws Refused, PosixException {
        int target = depth;
        low = 1;
        high = 0;
        int parent = rootFd;
        for (int k = 1; k <= target; k++) {
            int s = k == 1 ? 0 : ends[k - 2] + 1;
            byte[] name = Arrays.copyOfRange(path, s, ends[k - 1]);
            int fd;
            try {
                fd = descend(parent, name, k);
            } catch (Refused | PosixException e) {
                depth = k - 1; // levels 1..k-1 are open and stay valid
                throw e;
            }
            store(k, fd);
            parent = fd;
        }
    }

    /** Opens component k of p below the current top (creating it if allowed) and pushes it. */
    private void push(SafePath p, int k) throws Refused, PosixException {
        int parent = depth == 0 ? rootFd : fds[depth];
        byte[] name = p.name(k);
        if (tree != null) {
            if (depth + 1 >= nodes.length) nodes = Arrays.copyOf(nodes, nodes.length * 2);
            nodes[depth + 1] = nodes[depth].child(name);
        }
        int fd = descend(parent, name, k + 1, p);
        int s = p.start(k), e = p.end(k);
        int base = depth == 0 ? 0 : ends[depth - 1] + 1;
        int need = base + (e - s);
        if (need >= path.length) path = Arrays.copyOf(path, Math.max(need + 1, path.length * 2));
        if (depth > 0) path[base - 1] = '/';
        System.arraycopy(p.bytes(), s, path, base, e - s);
        if (depth + 1 >= ends.length) ends = Arrays.copyOf(ends, ends.length * 2);
        ends[depth] = need;
        depth++;
        store(depth, fd);
    }

    private void store(int level, int fd) {
        if (level >= fds.length) fds = Arrays.copyOf(fds, Math.max(level + 1, fds.length * 2));
        fds[level] = fd;
        if (high < low) low = level;
        high = level;
        if (high - low + 1 > maxOpen) {
            Posix.close(fds[low]);
            fds[low] = -1;
            low++;
        }
    }

    private int descend(int parent, byte[] name, int level) throws Refused, PosixException {
        return descend(parent, name, level, null);
    }

    private int descend(int parent, byte[] name, int level, SafePath p) throws Refused, PosixException {
        try {
            return Posix.openDir(parent, name);
        } catch (PosixException e) {
            if (e.errno() == Errno.ENOENT) {
                if (tree == null) throw new Refused("parent '" + shown(p, level, name) + "' does not exist");
                try {
                    Posix.mkdirAt(parent, name, 0700);
                    tree.madeImplicitly(nodes[level], level);
                } catch (PosixException m) {
                    if (m.errno() != Errno.EEXIST) throw m;
                }
                try {
                    return Posix.openDir(parent, name);
                } catch (PosixException again) {
                    e = again;
                }
            }
            if (e.errno() == Errno.ELOOP || e.errno() == Errno.ENOTDIR) {
                throw new Refused("parent '" + shown(p, level, name) + "' " + whatIs(parent, name));
            }
            throw e;
        }
    }

    /** Says what a component that cannot be opened as a directory is; fails closed. */
    static String whatIs(int parent, byte[] name) {
        try {
            Stat st = Posix.lstatAt(parent, name);
            return st.isSymlink() ? "is a symlink" : "is not a directory";
        } catch (PosixException e) {
            return "cannot be opened as a directory: " + e.reason();
        }
    }

    private String shown(SafePath p, int level, byte[] name) {
        if (p != null) return Names.display(p.prefix(level));
        return Names.display(level == 1 ? name : Names.join(Arrays.copyOf(path, ends[level - 2]), name));
    }

    /** Descriptors currently held (for tests of the bound). */
    int openCount() { return high < low ? 0 : high - low + 1; }

    @Override public void close() {
        truncate(0);
        low = 1;
        high = 0;
    }
}
