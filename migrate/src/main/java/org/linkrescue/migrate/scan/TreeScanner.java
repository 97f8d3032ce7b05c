package org.linkrescue.migrate.scan;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Predicate;
import org.linkrescue.migrate.drive.ReadTimeoutException;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.DirWindow;
import org.linkrescue.migrate.fs.MachineLimitException;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Walks a tree depth-first, a directory before its contents, names sorted bytewise within each
 * directory (so two scans of one tree, and archives made from them, come out in one order). It
 * never follows a symlink and never crosses into another filesystem: a mount point is reported
 * and left out. Each directory is opened relative to its parent's descriptor, so paths of any
 * length work. Errors on a path are reported and the walk goes on.
 *
 * <p>Any depth the file system allows: the walk keeps its own stack (one small frame per level,
 * never the thread's), and at most {@link DirWindow#LIMIT} of its directories open; past that
 * the shallowest is closed (the visitor is told first, see {@link Visitor#closing}) and opened
 * again on the way back up.
 *
 * <p>A resumed walk ({@link #resumeAfter}) leaves out every path up to the last entry a stopped
 * run finished without looking at it: in each directory on the way down to that path, only the
 * names from its own component on are looked up ({@link ResumePoint}).
 */
public final class TreeScanner {
    /**
     * Receives every path; may open files below {@link ScannedPath#parentFd()} during the call,
     * or later, until {@link #closing} that descriptor.
     */
    public interface Visitor {
        void visit(ScannedPath p) throws IOException;

        /** Called after a directory's contents (post-order), e.g. to finish per-directory work. */
        default void leave(ScannedPath dir) throws IOException {}

        /**
         * Called before the walk closes a directory's descriptor (the root's too, and an
         * ancestor's that a deep tree gives up for a while): work still using it as a
         * {@link ScannedPath#parentFd()} must end here.
         */
        default void closing(int dirFd) throws IOException {}

        /**
         * The walk is done with the directory at dirFd (all its names visited; not the root):
         * the visitor may take its descriptor over (true) and close it itself once its work
         * below it has ended, so that work need not end before the walk goes on to the next
         * directory. Else (false) the walk tells {@link #closing} and closes it.
         */
        default boolean takeOver(int dirFd) throws IOException { return false; }

        /**
         * A directory whose own lstat worked but which could not be opened or listed (EIO, a
         * stall past the timeout): instead of {@link #visit}, and nothing below it is walked.
         * The walk has reported it already. The default visits it as it is (an empty
         * directory with its own metadata).
         */
        default void unreadableDir(ScannedPath dir, String why) throws IOException { visit(dir); }

        /**
         * A name in a listing whose lstat (or readlink) failed or stalled: nothing is known of
         * it but its name. The walk has reported it already; the default does nothing more.
         *
         * @param parentFd the directory holding it, valid as for {@link ScannedPath#parentFd()}
         */
        default void unreadableEntry(byte[] path, int parentFd, byte[] name, String why) throws IOException {}

        /**
         * A directory on the way down to a resumed walk's point (or the point itself) that the
         * stopped run had entered, which cannot be opened or listed now (or an ancestor of the
         * point whose lstat fails now): its entry and every path up to after below it are
         * finished, the rest of it is not walked. The walk has reported it already. The default
         * does nothing more.
         *
         * @param after the resume point as a path below it ("." for the directory itself: nothing below it is finished)
         */
        default void unreadableRest(byte[] path, byte[] after, String why) throws IOException {}

        /**
         * A resumed walk: a directory the stopped run visited on the way down to the resume
         * point (the root first, then each below it, the point itself when it is a directory),
         * met again as the walk enters it, before any {@link #visit}. Not visited again; a
         * visitor that needs the entries above the point (an archive writes a directory again
         * after files it held back) makes them from it. The default does nothing.
         */
        default void above(ScannedPath dir) throws IOException {}

        /**
         * The walk is about to open and list a subdirectory: it may wait on the drive now
         * (until --read-timeout), so work the visitor holds back to gather should start. The
         * default does nothing.
         */
        default void entering() {}
    }

    /** One directory on the walk's stack. */
    private static final class Frame {
        final ScannedPath dir;
        /** Its path below the root, "" for the root itself (names are joined to it). */
        final byte[] path;
        /** Null for the root, whose descriptor the walk holds outside the window. */
        final DirWindow.Dir held;
        /** Its names, sorted, and what looking each up found; null until listed (at once for all but the root). */
        List<byte[]> names;
        ScanCalls.Looked[] looked;
        int next;
        /**
         * -1: a directory of this walk (visited, left). Else finished by the stopped run (neither
         * visited nor left): -2 the resume point itself, all below it walked; from 0, a directory
         * on the way down to the point, at that depth on its path.
         */
        final int onPath;
        /** Its first name (after those skipped) is the resume point's component here: entered, not visited. */
        boolean firstOnPath;
        /** Names before this one were looked at for a subdirectory to open ahead ({@link #startAhead}). */
        int aheadScan;

        Frame(ScannedPath dir, byte[] path, DirWindow.Dir held, int onPath) {
            this.dir = dir;
            this.path = path;
            this.held = held;
            this.onPath = onPath;
        }
    }

    private static final Predicate<byte[]> KEEP_ALL = n -> true;

    private final Problems problems;
    private final PathFilter filter;
    private final ScanCalls calls;
    private long rootDev;
    private int rootFd;
    private ResumePoint resume;
    /**
     * The next directory the walk will open, begun ahead on the drive's worker while the walk
     * hands out the names before it ({@link ScanCalls#ahead}); null when none is in flight.
     * It is in aheadIn's names at aheadAt.
     */
    private ScanCalls.Ahead ahead;
    private Frame aheadIn;
    private int aheadAt;
    /** Whether the walk has moved on (listed, left or entered a directory) since it last looked for one to begin ahead. */
    private boolean lookAhead;

    /** A scan whose calls on the drive are made as they are (a healthy tree, a target). */
    public TreeScanner(Problems problems) {
        this(problems, PathFilter.NONE);
    }

    /** A walk that leaves out what filter says (a directory with everything below it). */
    public TreeScanner(Problems problems, PathFilter filter) {
        this(problems, filter, ScanCalls.DIRECT);
    }

    /** As {@link #TreeScanner(Problems, PathFilter)}, its calls on the drive made through calls (timed ones for a failing drive). */
    public TreeScanner(Problems problems, PathFilter filter, ScanCalls calls) {
        this.problems = problems;
        this.filter = filter;
        this.calls = calls;
    }

    /**
     * A resumed walk: every path up to and including after (the last entry a stopped run
     * finished) is left out, without being looked at ({@link ResumePoint}); null walks it all.
     */
    public TreeScanner resumeAfter(byte[] after) {
        this.resume = after == null ? null : new ResumePoint(after);
        return this;
    }

    /**
     * Walks the tree at rootPath (followed if it is itself a symlink, as `tar -C` does).
     *
     * @throws PosixException when the root itself cannot be opened: there is nothing to walk
     */
    public void walk(byte[] rootPath, Visitor v) throws IOException {
        int root = Posix.openat(Posix.AT_FDCWD, rootPath, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        rootFd = root;
        DirWindow window = new DirWindow(v::closing);
        try {
            Stat st = Posix.fstat(root);
            rootDev = st.devId();
            ScannedPath rp = new ScannedPath(Names.DOT, Names.DOT, root, st, null);
            if (resume == null) v.visit(rp);
            else v.above(rp);
            ArrayDeque<Frame> stack = new ArrayDeque<>();
            stack.push(new Frame(rp, new byte[0], null, resume == null ? -1 : resume.onlyRoot() ? -2 : 0));
            while (!stack.isEmpty()) {
                Frame top = stack.peek();
                int fd = top.held == null ? root : top.held.fd();
                if (top.names == null) list(top, fd, null);
                if (lookAhead && ahead == null) startAhead(stack);
                if (fd >= 0 && top.next < top.names.size()) {
                    int i = top.next++;
                    Frame sub = i == 0 && top.firstOnPath ? enterDone(top, fd, v, window) : next(top, i, fd, v, window);
                    if (sub != null) stack.push(sub);
                    continue;
                }
                stack.pop();
                lookAhead = true;
                if (top.held == null) {
                    v.closing(root);
                } else {
                    Frame parent = stack.peek();
                    if (parent.held != null) {
                        String why = window.reopen(parent.held, top.held);
                        if (why != null) problems.report(Grade.FAILED, parent.path, "cannot open directory again after"
                                + " its deeper levels: " + why + "; the rest of it is not read");
                    }
                    if (top.held.isOpen() && v.takeOver(top.held.fd())) window.handOver(top.held);
                    else window.close(top.held);
                }
                if (top.onPath == -1) v.leave(top.dir);
            }
        } finally {
            if (ahead != null) ahead.discard();
            ahead = null;
            window.closeAll();
            Posix.close(root);
        }
    }

    /**
     * Begins the next directory the walk will open (the first one to descend into after where
     * each frame on the stack stands, deepest first) on the drive's worker, so that its listing
     * runs while this thread hands out the names before it. Not in a resumed walk's frames on
     * the way to its point, and not near the window's limit, where a parent the call uses may
     * be closed for a while.
     */
    private void startAhead(ArrayDeque<Frame> stack) {
        lookAhead = false;
        if (stack.size() >= DirWindow.LIMIT - 1) return;
        for (Frame f : stack) { // deepest first
            if (f.onPath != -1 || f.names == null) return;
            int fd = f.held == null ? rootFd : f.held.fd();
            if (fd < 0) return;
            for (int j = Math.max(f.next, f.aheadScan); j < f.names.size(); j++) {
                f.aheadScan = j + 1;
                if (!descends(f, j)) continue;
                byte[] path = Names.join(f.path, f.names.get(j));
                ahead = calls.ahead(fd, f.names.get(j), keep(path, -1, null));
                if (ahead == null) return; // these calls do not run ahead
                aheadIn = f;
                aheadAt = j;
                return;
            }
        }
    }

    /** Whether {@link #next} descends into f's name at i: a directory of this file system that the filter keeps. */
    private boolean descends(Frame f, int i) {
        Stat st = f.looked[i].stat();
        return st != null && st.type() == Stat.S_IFDIR && st.devId() == rootDev
                && filter.leaveOut(Names.join(f.path, f.names.get(i)), st) == null;
    }

    /** The directory begun ahead if it is f's name at i (the walk takes it over), else null. */
    private ScanCalls.Ahead takeAhead(Frame f, int i) {
        if (ahead == null || aheadIn != f || aheadAt != i) return null;
        ScanCalls.Ahead a = ahead;
        ahead = null;
        aheadIn = null;
        lookAhead = true;
        return a;
    }

    /**
     * Lists the directory of f (sorted) and looks up every name; returns why it could not be
     * listed (reported here), else null. An unlisted directory has no names.
     */
    private String list(Frame f, int fd, ScanCalls.Ahead pre) throws IOException {
        lookAhead = true;
        f.names = List.of();
        f.looked = new ScanCalls.Looked[0];
        if (fd < 0) return "not open";
        byte[] shown = f.path.length == 0 ? Names.DOT : f.path;
        ScanCalls.Listing listing;
        try {
            // by name: an excluded path costs the drive no lstat, nor does one a resumed run
            // finished already (before the resume point's component here, see finishedBefore)
            listing = pre != null ? pre.listing() : calls.listAndLook(fd, keep(f.path, f.onPath, f));
        } catch (PosixException e) {
            MachineLimitException.check(e, shown);
            return unreadable(shown, "cannot read directory: " + e.reason());
        } catch (ReadTimeoutException e) {
            return unreadable(shown, "cannot read directory: " + e.getMessage());
        }
        f.names = listing.names();
        f.looked = listing.looked();
        if (f.onPath >= 0) f.firstOnPath = !f.names.isEmpty() && resume.step(f.onPath, f.names.get(0)) != ResumePoint.Step.WALK;
        return null;
    }

    /** Which names of the directory at path the walk looks up (f: its frame, for a resumed walk's frames on the way to its point). */
    private Predicate<byte[]> keep(byte[] path, int onPath, Frame f) {
        if (resume != null && onPath >= 0) return n -> !filter.excludes(Names.join(path, n)) && !finishedBefore(f, n);
        return filter.excludesByName() ? n -> !filter.excludes(Names.join(path, n)) : KEEP_ALL;
    }

    /**
     * Whether name, in a directory on the way down to the resume point, sorts before the point's
     * component there: finished by the stopped run, never looked up. The component itself, when
     * present, comes first among the names kept and is entered, not visited ({@link #enterDone}).
     */
    private boolean finishedBefore(Frame f, byte[] name) {
        return f.onPath >= 0 && resume.step(f.onPath, name) == ResumePoint.Step.SKIP;
    }

    /**
     * The resume point's component in top (its first name): a directory on the way down to the
     * point, or the point itself; finished already, so not visited, but what lies below it may
     * not be. The point itself may not be a directory (then nothing is below it). One the drive
     * cannot open or list now goes to {@link Visitor#unreadableRest}, as a first walk hands a
     * directory it cannot list to {@link Visitor#unreadableDir}.
     */
    private Frame enterDone(Frame top, int dirFd, Visitor v, DirWindow window) throws IOException {
        byte[] name = top.names.get(0);
        byte[] path = Names.join(top.path, name);
        boolean point = resume.step(top.onPath, name) == ResumePoint.Step.ENTER_IF_DIRECTORY;
        byte[] after = resume.below(top.onPath);
        Stat st = top.looked[0].stat();
        if (st == null && !point) { // an ancestor of the point, so a directory the stopped run entered
            v.unreadableRest(path, after, unreadable(path, top.looked[0].error()));
            return null;
        }
        if (st == null || st.type() != Stat.S_IFDIR || st.devId() != rootDev) return null; // finished; nothing to find below
        ScannedPath sp = new ScannedPath(path, name, dirFd, st, null, top.looked[0].xattrs());
        v.above(sp);
        int sub;
        try {
            sub = calls.openDir(dirFd, name);
        } catch (PosixException e) {
            MachineLimitException.check(e, path);
            v.unreadableRest(path, after, unreadable(path, "cannot open directory: " + e.reason()));
            return null;
        } catch (ReadTimeoutException e) {
            v.unreadableRest(path, after, unreadable(path, "cannot open directory: " + e.getMessage()));
            return null;
        }
        Frame f = new Frame(sp, path, window.opened(sub, st), point ? -2 : top.onPath + 1);
        String why = list(f, sub, null);
        if (why != null) {
            window.close(f.held);
            v.unreadableRest(path, after, why);
            return null;
        }
        return f;
    }

    private String unreadable(byte[] path, String why) {
        problems.report(Grade.FAILED, path, why);
        return why;
    }

    /** Visits one name of the directory at dirFd; returns the frame to descend into when it is a directory. */
    private Frame next(Frame top, int i, int dirFd, Visitor v, DirWindow window) throws IOException {
        byte[] name = top.names.get(i);
        ScanCalls.Looked looked = top.looked[i];
        byte[] path = Names.join(top.path, name);
        Stat st = looked.stat();
        if (st == null) {
            problems.report(Grade.FAILED, path, looked.error());
            v.unreadableEntry(path, dirFd, name, looked.error());
            return null;
        }
        String leftOut = filter.leaveOut(path, st);
        if (leftOut != null) {
            problems.report(Grade.WARN, path, leftOut);
            return null;
        }
        int type = st.type();
        if (type == Stat.S_IFSOCK) {
            problems.report(Grade.WARN, path, "socket ignored");
            return null;
        }
        byte[] target = looked.target();
        if (type == Stat.S_IFLNK && target == null) {
            problems.report(Grade.FAILED, path, looked.error());
            return null;
        }
        if (type == Stat.S_IFDIR && st.devId() != rootDev) {
            problems.report(Grade.WARN, path, "mount point of another filesystem: not crossed, left out");
            return null;
        }
        ScannedPath sp = new ScannedPath(path, name, dirFd, st, target, looked.xattrs());
        if (type != Stat.S_IFDIR) {
            v.visit(sp);
            return null;
        }
        // A directory is opened and listed before it is visited: one that cannot be is no
        // empty directory, and its visitor is told so instead.
        v.entering();
        ScanCalls.Ahead pre = takeAhead(top, i);
        int sub;
        try {
            sub = pre != null ? pre.open() : calls.openDir(dirFd, name);
        } catch (PosixException e) {
            MachineLimitException.check(e, path);
            v.unreadableDir(sp, unreadable(path, "cannot open directory: " + e.reason()));
            return null;
        } catch (ReadTimeoutException e) {
            v.unreadableDir(sp, unreadable(path, "cannot open directory: " + e.getMessage()));
            return null;
        }
        Frame f = new Frame(sp, path, window.opened(sub, st), -1);
        String why = list(f, sub, pre);
        if (why != null) {
            window.close(f.held);
            v.unreadableDir(sp, why);
            return null;
        }
        v.visit(sp);
        return f;
    }
}
