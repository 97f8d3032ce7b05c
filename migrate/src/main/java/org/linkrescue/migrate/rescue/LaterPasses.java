package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.BlockStatus;
import org.linkrescue.migrate.drive.ByteStore;
import org.linkrescue.migrate.drive.PassReader;
import org.linkrescue.migrate.drive.ReadTimeoutException;
import org.linkrescue.migrate.drive.TimedOpens;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.PendingFiles;
import org.linkrescue.migrate.stream.PendingFiles.PendingFile;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Stop;

/**
 * Passes 2 to 4 of a rescue in passes, run once the whole tree is written (pass 1 is the
 * stream itself: {@link RescueContent} reads each inode in large reads, skips past what fails,
 * and leaves a {@link PendingInode} behind). For every pending inode, in the order met: pass 2
 * trims and scrapes its untried ranges, pass 3 reads its bad blocks --retries more times, pass 4
 * splices its bad ranges from a candidate found through any of its paths; each readable block
 * and each spliced byte goes into the file the sink wrote, in place ({@link PendingFiles}). Then
 * the inode is recorded in the report, once, with every path. Passes left out of the plan are
 * not run: what they would have read stays zeros, and the report says so.
 *
 * <p>Each file is opened again on SOURCE through its paths, one directory at a time without
 * following a symlink, and must be the inode the scan saw. A read that hangs ends the passes
 * for its file, as in pass 1.
 */
public final class LaterPasses {
    private final RescueContentSource src;
    private final Set<Pass> plan;
    private volatile Pass current = Pass.COPY;
    private volatile PassListener listener = PassListener.NONE;
    /**
     * Inodes a stopped run left pending, and the first later pass each still needs (its stopped
     * run finished the ones before); every other pending inode needs every pass.
     */
    private final Map<PendingInode, Pass> resumedFrom = new IdentityHashMap<>();
    private volatile int inPass, doneInPass;

    LaterPasses(RescueContentSource src, Set<Pass> plan) {
        this.src = src;
        this.plan = Set.copyOf(plan);
    }

    /** The pass under way: COPY until the stream ends. */
    public Pass current() { return current; }

    /** Inodes the current later pass has to go through, and has gone through. */
    public int inodesInPass() { return inPass; }
    public int inodesDone() { return doneInPass; }

    public Set<Pass> plan() { return plan; }

    /** p, which a stopped run left pending, needs the later passes from p on only. */
    synchronized void resumedFrom(PendingInode p, Pass from) { resumedFrom.put(p, from); }

    /** The first later pass p needs. */
    private synchronized Pass from(PendingInode p) { return resumedFrom.getOrDefault(p, Pass.SCRAPE); }

    /** Whether any of all needs pass which (a pass no inode needs is not begun: the map would go back to it). */
    private boolean anyNeeds(Pass which, List<PendingInode> all) {
        for (PendingInode p : all) if (from(p).number <= which.number) return true;
        return false;
    }

    /** Tells listener of each pass and each inode's states from now on (the rescue map keeps them). */
    public void listener(PassListener l) { listener = l; }

    PassListener listener() { return listener; }

    /** What one later pass does to one file, open on SOURCE: false when the file hung. */
    private interface FilePass {
        boolean read(int fd, PendingInode p, ByteStore out) throws IOException;
    }

    /**
     * Runs the later passes over every pending inode, writing into sink (when it takes late
     * bytes), then settles and records each. Called once, after the stream, before the sink is
     * finished.
     *
     * @param root SOURCE, the root the pending inodes' paths are relative to
     */
    void run(byte[] root, EntrySink sink) throws IOException {
        List<PendingInode> all = src.reportRef().pendingInodes();
        if (all.isEmpty()) return;
        for (PendingInode p : all) listener.states(p); // with every path the stream met: a stop from here on keeps them
        PendingFiles files = sink instanceof PendingFiles f ? f : null;
        StopCheck going = () -> {
            src.checkStop();
            listener.progress();
        };
        PassReader reader = src.newPassReader().stopWith(going::check);
        if (plan.contains(Pass.SCRAPE) && anyNeeds(Pass.SCRAPE, all)) {
            pass(Pass.SCRAPE, all, root, files, p -> p.untriedBytes() > 0,
                    (fd, p, out) -> reader.trimAndScrape(fd, p.states(), out, p.reads()));
        }
        if (plan.contains(Pass.RETRY) && anyNeeds(Pass.RETRY, all)) {
            for (int i = 0; i < src.options().retries(); i++) {
                boolean reverse = i % 2 == 1; // ddrescue turns round at each retry pass
                pass(Pass.RETRY, all, root, files, p -> !p.givenUp() && p.states().bytes(BlockStatus.BAD) > 0,
                        (fd, p, out) -> reader.retry(fd, p.states(), out, p.reads(), reverse));
            }
        }
        current = Pass.SPLICE;
        inPass = all.size();
        doneInPass = 0;
        listener.pass(Pass.SPLICE);
        SplicePass splice = plan.contains(Pass.SPLICE)
                ? new SplicePass(src.finder(), new CandidateVerifier(src.options().acceptMtimeMismatch(), going), src.options().spoolDir())
                : null;
        for (PendingInode p : all) {
            going.check(); // between inodes; within one, before each chunk of a candidate (CandidateVerifier)
            settle(p, files, splice);
            doneInPass++;
        }
        listener.finished();
    }

    private void pass(Pass which, List<PendingInode> all, byte[] root, PendingFiles files, Predicate<PendingInode> wanted,
                      FilePass op) throws IOException {
        current = which;
        inPass = all.size();
        doneInPass = 0;
        listener.pass(which);
        for (PendingInode p : all) {
            try {
                src.checkStop();
                if (files == null || from(p).number > which.number || !wanted.test(p)) continue;
                try (PendingFile f = files.reopen(p.firstPath(), p.stat())) {
                    if (f == null) continue; // the sink made no file of it: what would be read could land nowhere
                    int fd = openSource(root, p);
                    if (fd < 0) continue;
                    try {
                        if (!op.read(fd, p, f::write) && p.reads().hungAt >= 0) src.reportRef().lostWorker();
                    } catch (Stop.Stopped s) {
                        // What it read before the stop is in the file: the map keeps it, a resume reads on from there.
                        listener.states(p);
                        throw s;
                    } finally {
                        src.reads().reader().close(fd);
                    }
                    listener.states(p);
                }
            } finally {
                doneInPass++;
            }
        }
    }

    /**
     * Opens the inode on SOURCE again through the first of its paths that still leads to it;
     * -1 when none does (it is given up, and why is noted).
     */
    private int openSource(byte[] root, PendingInode p) throws IOException {
        String why = null;
        for (byte[] rel : p.paths()) {
            try {
                TimedOpens.Opened o = openBelow(root, rel);
                if (o.stat().ino() == p.ino() && o.stat().devId() == p.devId() && o.stat().isRegular()) return o.fd();
                src.reads().reader().close(o.fd());
                why = Names.display(rel) + " is another file now";
            } catch (ReadTimeoutException e) {
                src.reportRef().lostWorker();
                p.giveUp();
                p.note("open for the later passes: " + e.getMessage() + "; not read again");
                return -1;
            } catch (PosixException e) {
                why = "open " + Names.display(rel) + ": " + e.reason();
            }
        }
        p.giveUp();
        p.note("could not be opened again for the later passes (" + why + "); not read again");
        return -1;
    }

    /** rel below root, walked a directory at a time (no symlink followed, no length limit on paths). */
    private TimedOpens.Opened openBelow(byte[] root, byte[] rel) throws IOException {
        TimedOpens opens = src.reads().opens();
        byte[][] parts = Names.split(rel);
        int dir = opens.open(Posix.AT_FDCWD, root, Posix.O_RDONLY | Posix.O_DIRECTORY).fd();
        try {
            for (int i = 0; i < parts.length - 1; i++) {
                int next = opens.open(dir, parts[i], Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW).fd();
                src.reads().reader().close(dir);
                dir = next;
            }
            return src.openFile(dir, parts[parts.length - 1]);
        } finally {
            src.reads().reader().close(dir);
        }
    }

    /**
     * Pass 4 for p (when in the plan), then its bytes are final: the sink gets its provenance
     * (a held archive entry is written now) and the report its record.
     */
    private void settle(PendingInode p, PendingFiles files, SplicePass splice) throws IOException {
        long size = p.stat().size();
        BadRanges bad = p.states().unfinished();
        List<Verdict> verdicts = List.of();
        String sha = null, failed = null;
        boolean wrote = false;
        try (PendingFile f = files == null ? null : files.reopen(p.firstPath(), p.stat())) {
            if (f != null) {
                wrote = true;
                if (splice != null && !p.isUnverifiable()) verdicts = splice.splice(p, f, bad);
                sha = SplicePass.sha256(f, size);
                f.complete(provenance(size, bad, verdicts, sha));
            }
        } catch (Stop.Stopped s) {
            throw s; // no verdict and no record: the map keeps p pending in this pass, a resumed run splices it again
        } catch (IOException e) {
            failed = e.getMessage();
            sha = null;
        }
        // Passes left out of the plan could still read or splice some of it: a later run with them may settle it.
        if (failed == null && wrote && !bad.isEmpty() && !plan.containsAll(Pass.ALL)) listener.leftOpen(p);
        if (failed != null)
            src.problems().report(Grade.FAILED, p.firstPath(), "bytes read or spliced after the tree was written could not be written: " + failed);
        else if (!wrote)
            p.note("TARGET holds no file for it: the later passes had nowhere to write");
        src.recordPending(p, bad, verdicts, provenance(size, bad, failed == null ? verdicts : List.of(), sha), sha);
    }

    private static Provenance provenance(long size, BadRanges bad, List<Verdict> verdicts, String sha) {
        Verdict accepted = verdicts.isEmpty() || !verdicts.get(verdicts.size() - 1).accepted() ? null : verdicts.get(verdicts.size() - 1);
        return Splicer.provenance(size, bad, accepted == null ? null : accepted.candidate().origin()).withSha256(sha);
    }
}
