package org.linkrescue.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.linkrescue.migrate.crosscheck.CrossCheck;
import org.linkrescue.migrate.crosscheck.CrossCheckReport;
import org.linkrescue.migrate.crosscheck.Disagreement;
import org.linkrescue.migrate.crosscheck.Finding;
import org.linkrescue.migrate.crosscheck.ZeroedBlocks;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.map.MapHeader;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.stream.Json;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.verify.Tally;
import picocli.CommandLine.Option;

/**
 * --cross-check: before anything else, every inode of SOURCE is compared byte for byte with its
 * copies in the alternates (same size and mtime), and only disagreements are kept. SOURCE is
 * read once more for it, the alternates once per compared inode: the cost is said.
 */
final class CrossCheckOption {
    @Option(names = "--cross-check",
            description = "Compare every file with its copies in the --alternate trees (same size and mtime) and list only disagreements: silent damage no read error shows (ext4/XFS bit rot, zeroed sectors).")
    boolean on;

    /** The options a rescue map records (they shape what is written): a resume must give the same. */
    void shape(List<MapHeader.Option> options) {
        if (on) options.add(new MapHeader.Option("cross-check", "true"));
    }

    /**
     * How migrate and archive read SOURCE after a cross-check: blocks of zeros where a copy
     * disagrees fail like bad blocks (and are spliced from a copy that agrees elsewhere).
     */
    static BlockReader zeroedBlocksFailing(BlockReader drive, CrossCheckReport cc) {
        return cc == null ? drive : new ZeroedBlocks(drive, cc.sourceZeros());
    }

    /**
     * Tells a run what the cross-check found: the cost line on stderr, a WARN for every
     * disagreement the rescue does not take over (SOURCE's bytes kept: a change with the mtime
     * kept is possible, the user decides), and the report's "crossCheck" section.
     */
    static void tell(CrossCheckReport cc, Session s) {
        if (cc == null) return;
        s.console().err().println("linkrescue: " + cc.summary());
        for (Finding f : cc.findings()) {
            for (Disagreement d : f.ranges()) {
                if (d.sourceZeros()) continue; // the rescue reports these: spliced, or zeros kept and counted lost
                s.problems.report(Problems.Grade.WARN, f.paths().get(0), "cross-check: " + d + " (against "
                        + String.join(", ", f.copies()) + "); SOURCE's bytes kept");
            }
        }
        s.report.rawSection("crossCheck", w -> {
            Json j = new Json(w);
            cc.write(j);
            j.flush();
        });
    }

    /** Runs the cross-check (null when not asked), with a progress line on a terminal. */
    CrossCheckReport run(byte[] source, RescueOptions options, BlockReader drive, Console console, boolean quiet) throws IOException {
        if (!on) return null;
        if (options.alternates().isEmpty())
            throw new ExitCodes.UsageException("--cross-check needs --alternate mirror=DIR or --alternate original=DIR");
        Tally tally = new Tally();
        try (TerminalLine progress = WalkProgress.startIf(console, quiet, tally,
                WalkProgress.Plan.of("cross-check", "comparing every file with its copies", true), new ProblemLog(console.err()))) {
            return new CrossCheck(options, drive, tally).run(source);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
