package org.linkrescue.cli;

import java.io.IOException;
import java.util.List;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.fs.Nesting;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.map.Checkpoints;
import org.linkrescue.migrate.map.MapState;
import org.linkrescue.migrate.map.PassStates;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.scan.ScanRecord;
import org.linkrescue.migrate.pipeline.Evacuation;
import java.util.Set;
import org.linkrescue.migrate.rescue.LaterPasses;
import org.linkrescue.migrate.rescue.Pass;
import org.linkrescue.migrate.rescue.RescueContentSource;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.rescue.RescueReport;

/**
 * Chooses what the run commands read with, and checks what they read from, so the commands
 * stay a few lines each. Every run reads through the rescue source: on a healthy drive it costs
 * one streamed read per inode; on a failing one it is the point of the program.
 */
final class Sources {
    private Sources() {}

    /**
     * A source root that cannot be opened as a directory is fatal before anything is created.
     *
     * @return its stat (where it is, for {@link #checkApart})
     */
    static Stat checkSource(byte[] root, String shown) throws IOException {
        return checkRoot(root, "source", shown);
    }

    /** Whether SOURCE opens as a directory (an unreadable one is a fatal error of the run, which reports it). */
    static boolean readable(byte[] root) {
        try {
            checkRoot(root, "source", "");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The same for any tree a command reads ("source", "target"): one wording everywhere. */
    static Stat checkRoot(byte[] root, String word, String shown) throws IOException {
        try {
            int fd = Posix.openat(Posix.AT_FDCWD, root, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            try {
                return Posix.fstat(fd);
            } finally {
                Posix.close(fd);
            }
        } catch (PosixException e) {
            throw new IOException("cannot read " + word + " '" + Args.display(shown) + "': " + e.reason(), e);
        }
    }

    /**
     * TARGET inside SOURCE would copy itself (cp refuses it: "cannot copy a directory into
     * itself"), SOURCE inside TARGET would write where it reads: both are usage errors, found by
     * device and inode (symlinks, bind mounts and '..' cannot hide them).
     */
    static void checkApart(Stat sourceStat, String source, String target) {
        if (Nesting.within(Args.bytes(target), sourceStat))
            throw new ExitCodes.UsageException("target '" + Args.display(target) + "' is inside source '" + Args.display(source)
                    + "': the copy would copy itself; choose a TARGET outside SOURCE");
        Stat t = existingDir(Args.bytes(target));
        if (t != null && Nesting.within(Args.bytes(source), t))
            throw new ExitCodes.UsageException("source '" + Args.display(source) + "' is inside target '" + Args.display(target)
                    + "'; choose a TARGET outside SOURCE");
    }

    /**
     * An explicit --snapshot-depth deeper than 1 must find a directory that many levels down in
     * SOURCE (along the first directory at each level): with a depth the tree does not have,
     * the search of rotated snapshot names in a mirror would be lost without a word. A few
     * directory listings, no file is read.
     */
    static void checkSnapshotDepth(byte[] root, String shown, int depth) {
        if (depth <= 1) return;
        int fd;
        try {
            fd = Posix.openat(Posix.AT_FDCWD, root, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        } catch (PosixException e) {
            return; // the source check says why, in its own words
        }
        try {
            for (int level = 1; level <= depth; level++) {
                int sub = firstSubdirectory(fd);
                if (sub < 0) {
                    throw new ExitCodes.UsageException("--snapshot-depth " + depth + ": SOURCE '" + Args.display(shown)
                            + "' has no directory " + depth + " levels down (the first snapshot path ends at level " + (level - 1) + ")");
                }
                Posix.close(fd);
                fd = sub;
            }
        } finally {
            Posix.close(fd);
        }
    }

    /** The first subdirectory of fd in name order, opened; -1 when there is none. */
    private static int firstSubdirectory(int fd) {
        try {
            List<byte[]> names = Posix.listDir(fd);
            names.sort(Names::compare);
            for (byte[] n : names) {
                if (Posix.lstatAt(fd, n).isDir()) return Posix.openDir(fd, n);
            }
        } catch (PosixException e) {
            // unreadable here: judged as no deeper level
        }
        return -1;
    }

    /** The directory at path, or null when there is none (yet). */
    static Stat existingDir(byte[] path) {
        try {
            int fd = Posix.openat(Posix.AT_FDCWD, path, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
            try {
                return Posix.fstat(fd);
            } finally {
                Posix.close(fd);
            }
        } catch (PosixException e) {
            return null;
        }
    }

    static Compression compression(String name) {
        try {
            return Compression.fromName(name);
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
    }

    /** The rescue source of one run and its report, wired into the session's report and summary. */
    static final class Rescue implements AutoCloseable {
        final RescueReport report = new RescueReport();
        private final RescueContentSource source;
        private final Session session;
        private final Set<Pass> plan;

        /** @param passes the rescue's passes (good data first, bad areas last: see {@link LaterPasses}) */
        Rescue(RescueOptions options, Set<Pass> passes, Session session, BlockReader drive) {
            this.session = session;
            this.plan = passes;
            this.source = new RescueContentSource(options, session.problems, report, drive).inPasses(passes);
            session.report.rawSection("rescue", report::write);
            session.rescueStatus(new PassProgress(source)::line);
        }

        Evacuation evacuation(Evacuation.ReadOrder order, PathFilter filter) {
            return evacuation(order, filter, null);
        }

        /** @param walked what an earlier walk of SOURCE (the room check's) found, for the scan to take instead of asking the drive; or null */
        Evacuation evacuation(Evacuation.ReadOrder order, PathFilter filter, ScanRecord walked) {
            source.stopWith(session.stop);
            return new Evacuation(source, session.problems, session.totals, Evacuation.Tuning.DEFAULT.withOrder(order))
                    .onLaterPath(source::laterPath).filter(filter)
                    .scanWith(walked == null ? source.scanCalls() : walked.replaying(source.scanCalls()));
        }

        /**
         * The passes' state goes into the map's checkpoints (a stop at any pass resumes at that
         * pass); a resumed run's later passes take over the inodes its map left pending, from the
         * pass it was at. resumableLater: see {@link PassStates}.
         */
        void keepPassesIn(Checkpoints checkpoints, MapState resumed, boolean resumableLater) {
            source.passes().listener(new PassStates(checkpoints, plan, resumableLater));
            if (resumed != null) source.resumePending(PassStates.pending(resumed), PassStates.from(resumed));
        }

        /** Bytes this run read off SOURCE so far. */
        long sourceBytesRead() { return source.sourceBytesRead(); }

        /** Prints the rescue's summary (when anything was damaged) and says whether bytes were lost. */
        boolean finish() {
            session.stopProgress();
            if (!report.records().isEmpty()) for (String line : report.summary()) session.console().err().println("linkrescue: " + line);
            return report.exitCode() != 0;
        }

        @Override public void close() { source.close(); }
    }
}
