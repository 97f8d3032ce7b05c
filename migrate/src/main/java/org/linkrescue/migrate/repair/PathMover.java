package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Moves every path of a damaged inode to its replacement, one atomic rename(2) per path: the
 * new inode is hard-linked beside the path under a temp name, and that name renamed over the
 * path. At every moment the path names the old inode or the new one, never nothing.
 *
 * The last path takes the new file's own temp name by rename instead of a link, so the new
 * inode never has more links than the old one had: where the old inode fit under the
 * filesystem's link limit, the new one does too.
 *
 * Each path's current inode decides what happens (the journal may lag a kill by one rename):
 * on the new inode it is done, on the old one it is moved, on anything else it is left alone.
 * Used alike by a first run and by a run completing a killed one.
 */
final class PathMover {
    /** What happened to each path. already: found on the new inode before this call. */
    record Result(List<byte[]> moved, List<byte[]> already, List<Stayed> stayed) {}

    private final LinkOps ops;

    PathMover(LinkOps ops) { this.ops = ops; }

    /** The temp name beside path k: derived from the journal's temp name so a resume finds it. */
    static byte[] linkName(byte[] tempName, int k) { return Names.bytes(Names.latin1(tempName) + "." + k); }

    Result moveAll(int rootFd, long dev, Journal journal, long oldIno, long newIno,
                   byte[] tempDir, byte[] tempName, List<byte[]> paths) throws IOException {
        List<byte[]> moved = new ArrayList<>(), already = new ArrayList<>();
        List<Stayed> stayed = new ArrayList<>();
        int tempDirFd = -1;
        try {
            tempDirFd = ParentDir.openDirPath(rootFd, tempDir);
            boolean tempExists = isInode(tempDirFd, tempName, dev, newIno);

            // Where each path stands now, and leftovers of a killed run's link-then-rename.
            int[] todo = new int[paths.size()];
            int nTodo = 0;
            for (int k = 0; k < paths.size(); k++) {
                byte[] path = paths.get(k);
                try (ParentDir pd = ParentDir.open(rootFd, path)) {
                    removeLeftover(pd.fd(), linkName(tempName, k), dev, newIno, path);
                    Stat st = Posix.lstatAt(pd.fd(), pd.name());
                    if (st.devId() == dev && st.ino() == newIno) already.add(path);
                    else if (st.devId() == dev && st.ino() == oldIno) todo[nTodo++] = k;
                    else stayed.add(new Stayed(path, "names another inode (" + st.ino() + ") since the scan: left alone"));
                } catch (PosixException e) {
                    stayed.add(new Stayed(path, "cannot be checked: " + e.call() + " " + e.reason()));
                }
            }

            for (int i = 0; i < nTodo; i++) {
                int k = todo[i];
                byte[] path = paths.get(k);
                boolean last = i == nTodo - 1;
                String why = moveOne(rootFd, dev, oldIno, newIno, tempDirFd, tempName, tempExists && last,
                        tempExists, k, path, paths, moved, already);
                if (why == null) {
                    moved.add(path);
                    if (tempExists && last) tempExists = false;
                    journal.moved(oldIno, k);
                } else {
                    stayed.add(new Stayed(path, why));
                    journal.stayed(oldIno, k);
                }
            }

            if (tempExists) {
                Posix.unlinkAt(tempDirFd, tempName, 0);
                Posix.fsync(tempDirFd);
            }
        } finally {
            Posix.close(tempDirFd);
        }
        return new Result(moved, already, stayed);
    }

    /** Moves one path; returns null when moved, else why it stays on the old inode. */
    private String moveOne(int rootFd, long dev, long oldIno, long newIno, int tempDirFd, byte[] tempName,
                           boolean takeTempName, boolean tempExists, int k, byte[] path, List<byte[]> paths,
                           List<byte[]> moved, List<byte[]> already) throws IOException {
        try (ParentDir pd = ParentDir.open(rootFd, path)) {
            if (!isInode(pd.fd(), pd.name(), dev, oldIno)) return "changed while being repaired: left alone";
            if (takeTempName) {
                try {
                    ops.rename(tempDirFd, tempName, pd.fd(), pd.name());
                } catch (PosixException e) {
                    return "rename: " + e.reason() + "; it stays on the old inode";
                }
            } else {
                byte[] link = linkName(tempName, k);
                try {
                    linkFromAnchor(rootFd, dev, newIno, tempDirFd, tempName, tempExists, moved, already, pd.fd(), link);
                } catch (PosixException e) {
                    if (e.errno() == Errno.EMLINK) {
                        return "link: EMLINK (the filesystem's link limit): it stays on the old inode";
                    }
                    return "link: " + e.reason() + "; it stays on the old inode";
                }
                try {
                    ops.rename(pd.fd(), link, pd.fd(), pd.name());
                } catch (PosixException e) {
                    Posix.unlinkAt(pd.fd(), link, 0);
                    return "rename: " + e.reason() + "; it stays on the old inode";
                }
            }
            Posix.fsync(pd.fd());
            return null;
        } catch (PosixException e) {
            return "cannot reach its directory: " + e.call() + " " + e.reason();
        }
    }

    /**
     * Links the new inode at (dirFd, link): from its temp name while that exists, else from a
     * path already moved (a resumed run whose temp name is gone).
     */
    private void linkFromAnchor(int rootFd, long dev, long newIno, int tempDirFd, byte[] tempName, boolean tempExists,
                                List<byte[]> moved, List<byte[]> already, int dirFd, byte[] link) throws PosixException {
        if (tempExists) {
            ops.link(tempDirFd, tempName, dirFd, link);
            return;
        }
        List<byte[]> anchors = new ArrayList<>(already);
        anchors.addAll(moved);
        for (byte[] a : anchors) {
            try (ParentDir ad = ParentDir.open(rootFd, a)) {
                if (!isInode(ad.fd(), ad.name(), dev, newIno)) continue;
                ops.link(ad.fd(), ad.name(), dirFd, link);
                return;
            }
        }
        throw new PosixException("link", link, Errno.ENOENT);
    }

    private static void removeLeftover(int dirFd, byte[] name, long dev, long newIno, byte[] path) throws PosixException {
        Stat st;
        try {
            st = Posix.lstatAt(dirFd, name);
        } catch (PosixException e) {
            if (e.errno() == Errno.ENOENT) return;
            throw e;
        }
        // Only ever remove a name that is one of our links to the new inode.
        if (st.devId() == dev && st.ino() == newIno) {
            Posix.unlinkAt(dirFd, name, 0);
            Posix.fsync(dirFd);
        }
    }

    static boolean isInode(int dirFd, byte[] name, long dev, long ino) throws PosixException {
        try {
            Stat st = Posix.lstatAt(dirFd, name);
            return st.devId() == dev && st.ino() == ino && st.isRegular();
        } catch (PosixException e) {
            if (e.errno() == Errno.ENOENT) return false;
            throw e;
        }
    }
}
