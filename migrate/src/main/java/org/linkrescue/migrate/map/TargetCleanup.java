package org.linkrescue.migrate.map;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Before a resumed migrate goes on: removes from TARGET whatever lies after the last entry the
 * rescue map records as finished, in the scan's walk order ({@link WalkOrder}): the entries that
 * were in flight when the run stopped (a file half written, a directory made but not filled),
 * which the resumed run makes again from the start. Only the directories on the way down to that
 * entry are listed; what lies before it is never looked at. Everything is done relative to
 * directory descriptors, never following a symlink.
 */
public final class TargetCleanup {
    private TargetCleanup() {}

    /** What was removed: objects (a directory with its contents counts each). */
    public record Removed(long objects) {}

    /**
     * @param last the last finished entry's path ("." when only the root), or null when none
     * @param keep names at the target's root never removed (the rescue map itself)
     */
    public static Removed afterLast(byte[] target, byte[] last, Set<String> keep) throws IOException {
        int root;
        try {
            root = Posix.openat(Posix.AT_FDCWD, target, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        } catch (PosixException e) {
            throw new IOException("cannot read target '" + Names.display(target) + "': " + e.reason(), e);
        }
        long[] count = {0};
        try {
            List<byte[]> comps = components(last);
            int dir = root;
            List<Integer> opened = new ArrayList<>();
            try {
                for (int d = 0; d <= comps.size(); d++) {
                    byte[] after = d < comps.size() ? comps.get(d) : null; // null: all of this directory is new
                    for (byte[] name : list(dir)) {
                        if (d == 0 && keep.contains(Names.latin1(name))) continue;
                        if (after != null && Arrays.compareUnsigned(name, after) <= 0) continue;
                        removeTree(dir, name, count);
                    }
                    if (d == comps.size()) break;
                    int sub;
                    try {
                        sub = Posix.openat(dir, comps.get(d), Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW, 0);
                    } catch (PosixException e) {
                        if (e.errno() == Errno.ENOTDIR || e.errno() == Errno.ELOOP || e.errno() == Errno.ENOENT) break;
                        throw e;
                    }
                    opened.add(sub);
                    dir = sub;
                }
            } finally {
                for (int fd : opened) Posix.close(fd);
            }
        } catch (PosixException e) {
            throw new IOException("cannot clean up target '" + Names.display(target) + "' for the resume: " + e.getMessage(), e);
        } finally {
            Posix.close(root);
        }
        return new Removed(count[0]);
    }

    private static List<byte[]> components(byte[] last) {
        List<byte[]> out = new ArrayList<>();
        if (last == null || (last.length == 1 && last[0] == '.')) return out;
        int start = 0;
        for (int i = 0; i <= last.length; i++) {
            if (i == last.length || last[i] == '/') {
                out.add(Arrays.copyOfRange(last, start, i));
                start = i + 1;
            }
        }
        return out;
    }

    private static List<byte[]> list(int dir) throws PosixException {
        List<byte[]> names = Posix.listDir(dir);
        names.sort(Names::compare);
        return names;
    }

    /** rm -rf dir/name, without following symlinks, on a stack of its own (any depth). */
    static void removeTree(int dir, byte[] name, long[] count) throws PosixException {
        Stat st;
        try {
            st = Posix.lstatAt(dir, name);
        } catch (PosixException e) {
            if (e.errno() == Errno.ENOENT) return;
            throw e;
        }
        if (!st.isDir()) {
            unlink(dir, name, 0);
            count[0]++;
            return;
        }
        record Level(int fd, byte[] name, ArrayDeque<byte[]> left) {}
        ArrayDeque<Level> stack = new ArrayDeque<>();
        int top = Posix.openat(dir, name, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW, 0);
        stack.push(new Level(top, name, new ArrayDeque<>(Posix.listDir(top))));
        try {
            while (!stack.isEmpty()) {
                Level l = stack.peek();
                byte[] n = l.left().poll();
                if (n == null) {
                    stack.pop();
                    Posix.close(l.fd());
                    int parent = stack.isEmpty() ? dir : stack.peek().fd();
                    unlink(parent, l.name(), Posix.AT_REMOVEDIR);
                    count[0]++;
                    continue;
                }
                Stat s;
                try {
                    s = Posix.lstatAt(l.fd(), n);
                } catch (PosixException e) {
                    if (e.errno() == Errno.ENOENT) continue;
                    throw e;
                }
                if (s.isDir()) {
                    int fd = Posix.openat(l.fd(), n, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW, 0);
                    stack.push(new Level(fd, n, new ArrayDeque<>(Posix.listDir(fd))));
                } else {
                    unlink(l.fd(), n, 0);
                    count[0]++;
                }
            }
        } finally {
            for (Level l : stack) Posix.close(l.fd());
        }
    }

    private static void unlink(int dir, byte[] name, int flags) throws PosixException {
        try {
            Posix.unlinkAt(dir, name, flags);
        } catch (PosixException e) {
            if (e.errno() != Errno.ENOENT) throw e;
        }
    }
}
