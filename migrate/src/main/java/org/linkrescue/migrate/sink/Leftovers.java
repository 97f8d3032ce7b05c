package org.linkrescue.migrate.sink;

import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * A resumed run's judgement of an object it finds where an entry goes. A stopped run of the same
 * rescue may have made it after its last checkpoint (the entry is then done again, so the
 * object is removed first), or it was there before (never overwritten), or it belongs to an
 * entry the rescue map records as finished (a second entry for that path is refused, as it was
 * the first time). Told apart by the rescue map's list of objects made ({@link LinkTargets#madeByUs})
 * and by age: an object made by this rescue changed last after the rescue began; one of the
 * user's did not (a second of slack covers the file system's coarse clock).
 */
final class Leftovers {
    private final long startedSec;
    private final boolean emptyAtStart;
    private final LinkTargets links;

    /** @param emptyAtStart whether TARGET was empty when the rescue began (every directory in it is the rescue's) */
    Leftovers(long startedSec, boolean emptyAtStart, LinkTargets links) {
        this.startedSec = startedSec - 1;
        this.emptyAtStart = emptyAtStart;
        this.links = links;
    }

    /** Whether dir/name was a stopped run's leftover, now removed (a directory never is). */
    boolean replaced(int dir, byte[] name) throws PosixException {
        Stat st = lstat(dir, name);
        return st != null && !st.isDir() && !links.madeByUs(st.devId(), st.ino()) && ours(st) && unlink(dir, name);
    }

    /**
     * The same for a hard link to srcDir/srcName: a name already linked to it is a leftover of
     * this very entry, whatever made the inode.
     */
    boolean replaced(int dir, byte[] name, int srcDir, byte[] srcName) throws PosixException {
        Stat st = lstat(dir, name);
        if (st == null || st.isDir()) return false;
        Stat src = lstat(srcDir, srcName);
        if (src != null && src.ino() == st.ino() && src.devId() == st.devId()) return unlink(dir, name);
        return !links.madeByUs(st.devId(), st.ino()) && ours(st) && unlink(dir, name);
    }

    private boolean ours(Stat st) { return st.ctimeSec() >= startedSec; }

    /**
     * Whether the directories in TARGET are this rescue's (a stopped run of it made them): when
     * it began with TARGET empty. (Age tells nothing here: making an entry inside a directory
     * the user had changes its ctime too.)
     */
    boolean directoriesOurs() { return emptyAtStart; }

    private static Stat lstat(int dir, byte[] name) throws PosixException {
        try {
            return Posix.lstatAt(dir, name);
        } catch (PosixException e) {
            if (e.errno() == Errno.ENOENT) return null;
            throw e;
        }
    }

    private static boolean unlink(int dir, byte[] name) throws PosixException {
        try {
            Posix.unlinkAt(dir, name, 0);
            return true;
        } catch (PosixException e) {
            if (e.errno() == Errno.ENOENT) return true;
            throw e;
        }
    }
}
