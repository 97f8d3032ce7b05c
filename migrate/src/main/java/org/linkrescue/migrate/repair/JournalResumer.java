package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * Completes what a killed run's journal promised, before anything new is started:
 * <ul>
 *   <li>an inode whose new file was not yet complete ("created" missing): the temp file is
 *       removed; no path had been moved, and the inode is still damaged, so this run's scan
 *       finds it again and repairs it from the start;</li>
 *   <li>an inode whose new file was complete: every path still on the old inode is moved,
 *       leftover temp names are removed (see {@link PathMover}).</li>
 * </ul>
 * Inodes the journal marks done are skipped. The journal itself is left for the caller to
 * remove once this returns.
 */
final class JournalResumer {
    private final PathMover mover;

    JournalResumer(LinkOps ops) { this.mover = new PathMover(ops); }

    List<ResumedInode> resume(int rootFd, long dev, Journal.Contents contents, Journal journal, boolean dryRun)
            throws IOException {
        List<ResumedInode> out = new ArrayList<>();
        for (Journal.Entry e : contents.entries()) {
            if (e.done()) continue;
            if (e.newIno() < 0) {
                String action = dryRun ? "would remove the unfinished new file; the inode is repaired afresh"
                        : removeUnfinished(rootFd, dev, e);
                if (!dryRun) InodeRepairer.restore(rootFd, e.dirs());
                out.add(new ResumedInode(e.oldIno(), -1, e.paths(), List.of(), List.of(), List.of(), action));
                continue;
            }
            if (dryRun) {
                out.add(new ResumedInode(e.oldIno(), e.newIno(), e.paths(), List.of(), List.of(), List.of(),
                        "would move the paths still on the old inode to the new one"));
                continue;
            }
            PathMover.Result r = mover.moveAll(rootFd, dev, journal, e.oldIno(), e.newIno(),
                    e.tempDir(), e.tempName(), e.paths());
            List<String> notRestored = InodeRepairer.restore(rootFd, e.dirs());
            journal.done(e.oldIno());
            out.add(new ResumedInode(e.oldIno(), e.newIno(), e.paths(), r.moved(), r.already(), r.stayed(),
                    "completed: " + r.moved().size() + " path(s) moved now, " + r.already().size() + " moved before"
                            + (notRestored.isEmpty() ? "" : "; " + String.join("; ", notRestored))));
        }
        return out;
    }

    private static String removeUnfinished(int rootFd, long dev, Journal.Entry e) throws IOException {
        int dirFd;
        try {
            dirFd = ParentDir.openDirPath(rootFd, e.tempDir());
        } catch (PosixException x) {
            return "unfinished new file's directory cannot be opened (" + x.reason() + "): nothing removed";
        }
        try {
            Stat st = Posix.lstatAt(dirFd, e.tempName());
            // Made with O_EXCL under a random name and never linked: one link, never the old inode.
            if (st.devId() != dev || st.ino() == e.oldIno() || !st.isRegular() || st.nlink() != 1) {
                return "temp name holds something unexpected: left alone";
            }
            Posix.unlinkAt(dirFd, e.tempName(), 0);
            Posix.fsync(dirFd);
            return "removed the unfinished new file; the inode is repaired afresh";
        } catch (PosixException x) {
            if (x.errno() == Errno.ENOENT) return "no new file had been made; the inode is repaired afresh";
            throw x;
        } finally {
            Posix.close(dirFd);
        }
    }
}
