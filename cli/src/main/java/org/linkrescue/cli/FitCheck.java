package org.linkrescue.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.FsSpace;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.pipeline.Room;
import org.linkrescue.migrate.pipeline.TreeSize;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.Summary;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.scan.ScanCalls;
import org.linkrescue.migrate.scan.ScanRecord;
import org.linkrescue.migrate.scan.TimedScanCalls;
import org.linkrescue.migrate.stream.Problems;

/**
 * Before migrate writes anything: whether TARGET's file system has the room and the inodes for
 * the copy, from the two file systems' counts when they settle it, else from one walk of
 * SOURCE's metadata (no file is read); a migrate that cannot fit is not started (unless
 * --force), and --dry-run stops after saying so. archive --dry-run says the same of the archive
 * file.
 *
 * <p>The walk's calls are timed as the copy's scan's are (SOURCE may be the failing drive: a
 * stall costs --read-timeout, never a hang), and what it finds is kept ({@link ScanRecord})
 * for the copy's scan, which then asks the drive for none of it again.
 */
final class FitCheck {
    private FitCheck() {}

    /** What the walk found, whether it fits TARGET, and the walk's listings for the copy to take (null: none kept). */
    record Result(TreeSize size, boolean fits, ScanRecord record) {}

    /**
     * The tree's size, printed on out when dry; refused when it does not fit and not dry. Not
     * dry, the walk is made only when the two file systems' own counts cannot show that it
     * surely fits (so most runs do not walk the failing drive twice): then null. Problems the
     * walk meets are printed only in a dry run (the copy's own scan reports them).
     */
    static Result migrate(Console console, byte[] src, String target, String archiveCopy, PathFilter filter, boolean dry,
                          Duration readTimeout) throws IOException {
        FsSpace fs = space("TARGET", target);
        if (!dry && Room.surelyFits(space("SOURCE", Names.latin1(src)), fs, Posix.isRoot())) return null;
        Problems problems = dry ? new ProblemLog(console.err()) : (g, p, w) -> { };
        ScanRecord record = dry ? null : ScanRecord.forHeap();
        TreeSize size;
        try (TimedReads reads = new TimedReads(BlockReader.REAL, readTimeout, 64 * 1024)) {
            ScanCalls calls = new TimedScanCalls(reads);
            size = TreeSize.measure(src, filter, problems, fs.blockSize(), record == null ? calls : record.recording(calls));
        }
        Room room = Room.forTree(size, fs, Posix.isRoot());
        String verdict = "TARGET '" + Args.display(target) + "' " + room.text();
        if (dry) {
            PrintStream out = console.out();
            out.println("migrate --dry-run, nothing written: " + size.counts().text());
            out.println("  " + verdict + (room.fits() ? ": fits" : ": does NOT fit"));
            if (archiveCopy != null) out.println("  --archive-copy: " + archiveLine(archiveCopy, size));
            out.flush();
        } else if (!room.fits()) {
            throw new ExitCodes.UserError(verdict + ": not started (--force starts anyway; --exclude leaves parts out;"
                    + " --dry-run shows the counts)");
        }
        return new Result(size, room.fits(), record);
    }

    /** archive --dry-run: what would be archived, and whether FILE's file system has room for it uncompressed. */
    static void archive(Console console, byte[] src, String file, PathFilter filter) throws IOException {
        TreeSize size = TreeSize.measure(src, filter, new ProblemLog(console.err()), 512);
        PrintStream out = console.out();
        out.println("archive --dry-run, nothing written: " + size.counts().text());
        out.println("  " + archiveLine(file, size));
        out.flush();
    }

    private static String archiveLine(String file, TreeSize size) throws IOException {
        String about = "about " + Summary.bytes(size.archiveBytes()) + " uncompressed";
        if (Args.isStdio(file)) return "standard output: " + about;
        Room room = Room.forArchive(size, space("FILE", file), Posix.isRoot());
        return "'" + Args.display(file) + "': " + about + "; its file system has " + Summary.bytes(room.freeBytes()) + " free: "
                + (room.fits() ? "fits" : "does not fit uncompressed (compression may make it fit)");
    }

    private static FsSpace space(String what, String path) throws IOException {
        try {
            return FsSpace.ofNearest(Args.bytes(path));
        } catch (PosixException e) {
            throw new IOException("cannot look at the file system of " + what + " '" + Args.display(path) + "': " + e.reason(), e);
        }
    }
}
