package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.repair.InodeOutcome.Status;

/**
 * Repairs one damaged inode:
 * <ol>
 *   <li>checks that its first path still names the inode the scan saw (same size and mtime);</li>
 *   <li>journals the plan (temp name, every path) and fsyncs it;</li>
 *   <li>writes the good bytes and the old metadata to a new file under the temp name
 *       ({@link NewInodeWriter}) and journals "created";</li>
 *   <li>moves every path to it ({@link PathMover}) and journals "done".</li>
 * </ol>
 * A failure before "created" removes the temp file: the old inode was never touched.
 */
final class InodeRepairer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final NewInodeWriter writer = new NewInodeWriter();
    private final PathMover mover;

    InodeRepairer(LinkOps ops) { this.mover = new PathMover(ops); }

    static byte[] tempName(long oldIno) {
        byte[] token = new byte[6];
        RANDOM.nextBytes(token);
        return Names.bytes(".linkrescue-repair-" + oldIno + "-" + HexFormat.of().formatHex(token));
    }

    InodeOutcome repair(int rootFd, long dev, DamagedInode d, GoodData.Available good, Journal journal)
            throws IOException {
        byte[] first = d.paths().get(0);
        byte[] tempDir = ParentDir.dirOf(first);
        byte[] tempName = tempName(d.ino());
        long newIno;
        NewInodeWriter.Written w;
        List<DirTimes> dirs = List.of();
        try (ParentDir pd = ParentDir.open(rootFd, first)) {
            int oldFd;
            try {
                oldFd = Posix.openat(pd.fd(), pd.name(), Posix.O_RDONLY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK, 0);
            } catch (PosixException e) {
                return failed(d, good, "cannot open " + Names.display(first) + " to read its xattrs: " + e.reason());
            }
            try {
                String changed = changedSinceScan(Posix.fstat(oldFd), d.stat(), dev);
                if (changed != null) return failed(d, good, changed);
                dirs = DirTimes.ofAll(rootFd, tempDir, d.paths());
                journal.begin(d.ino(), tempDir, tempName, d.paths(), dirs);
                try {
                    w = writer.write(pd.fd(), tempName, oldFd, d.stat(), good.content());
                } catch (NewInodeWriter.LostBytesException e) {
                    discardTemp(pd.fd(), tempName);
                    restore(rootFd, dirs);
                    journal.done(d.ino());
                    return InodeOutcome.leftAsIs(Status.NO_CANDIDATE, d, "no acceptable good copy: " + e.getMessage()
                            + "; left as it is", good.notes());
                } catch (IOException e) {
                    discardTemp(pd.fd(), tempName);
                    restore(rootFd, dirs);
                    journal.done(d.ino());
                    return failed(d, good, "new file not made: " + e.getMessage());
                }
            } finally {
                Posix.close(oldFd);
            }
        } catch (PosixException e) {
            return failed(d, good, "cannot reach " + Names.display(first) + ": " + e.call() + " " + e.reason());
        } finally {
            good.content().close();
        }
        newIno = w.newIno();
        journal.created(d.ino(), newIno);
        PathMover.Result r = mover.moveAll(rootFd, dev, journal, d.ino(), newIno, tempDir, tempName, d.paths());
        List<String> notes = new ArrayList<>(good.notes());
        notes.addAll(restore(rootFd, dirs));
        journal.done(d.ino());
        List<byte[]> moved = new ArrayList<>(r.already());
        moved.addAll(r.moved());
        Status status = r.stayed().isEmpty() && d.linksOutsideSource() == 0 ? Status.REPAIRED : Status.PARTIAL;
        if (moved.isEmpty()) status = Status.FAILED;
        List<Stayed> stayed = r.stayed();
        String reason = null;
        if (d.linksOutsideSource() > 0) {
            reason = d.linksOutsideSource() + " link(s) outside SOURCE stay on the old inode (--allow-partial)";
        } else if (!stayed.isEmpty()) {
            reason = stayed.size() + " path(s) stay on the old inode";
        }
        return new InodeOutcome(status, d, moved.isEmpty() ? -1 : newIno, moved, stayed, good.source(), w.provenance(),
                w.sha256(), w.xattrsNotCopied(), reason, notes);
    }

    /** Puts back the times of the directories touched; returns what could not be. */
    static List<String> restore(int rootFd, List<DirTimes> dirs) {
        List<String> failed = new ArrayList<>();
        for (DirTimes t : dirs) {
            String why = t.restore(rootFd);
            if (why != null) failed.add(Names.display(t.dir()) + ": " + why);
        }
        return failed;
    }

    private static String changedSinceScan(Stat now, Stat scanned, long dev) {
        if (now.devId() != dev || now.ino() != scanned.ino() || !now.isRegular()) {
            return "its first path names another inode since the scan: left alone";
        }
        if (now.size() != scanned.size() || now.mtimeSec() != scanned.mtimeSec() || now.mtimeNsec() != scanned.mtimeNsec()) {
            return "changed since the scan (size or mtime): left alone";
        }
        return null;
    }

    private static void discardTemp(int dirFd, byte[] tempName) throws PosixException {
        try {
            Posix.unlinkAt(dirFd, tempName, 0);
            Posix.fsync(dirFd);
        } catch (PosixException e) {
            if (e.errno() != Errno.ENOENT) throw e;
        }
    }

    private static InodeOutcome failed(DamagedInode d, GoodData.Available good, String why) {
        return InodeOutcome.leftAsIs(Status.FAILED, d, why, good.notes());
    }
}
