package org.linkrescue.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.rescue.Alternate;
import org.linkrescue.migrate.rescue.DamagedInodeRecord;
import org.linkrescue.migrate.rescue.RescueContentSource;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.rescue.RescueReport;
import org.linkrescue.migrate.sink.DiskSink;

/**
 * The demo's second part: the same snapshots on a drive with bad blocks (simulated under the
 * reader, as btrfs fails them), a cold-storage mirror of the first snapshot and the live data as
 * alternates. Shows one repair serving every snapshot's link, a recovery from the original, and
 * an honest loss where no good copy exists.
 */
final class DemoRescue {
    private final Console console;

    DemoRescue(Console console) { this.console = console; }

    /** Returns whether every file came out as the demo says it should. */
    boolean run(Path dir, Path backups, Path live, DemoSnapshots snapshots, List<String> dates) throws IOException {
        PrintStream out = console.out();
        Path mirror = dir.resolve("mirror");
        snapshots.mirror(dates.get(0), mirror);
        Path linked = backups.resolve(dates.get(0)).resolve("photos/img001.jpg");     // in every snapshot
        Path newer = backups.resolve(dates.get(1)).resolve("photos/img003.jpg");      // not in the mirror
        Path lost = backups.resolve(dates.get(1)).resolve("photos/img004.jpg");       // deleted since: nowhere else
        List<DemoCrossCheck.Hole> holes = List.of(new DemoCrossCheck.Hole(linked, 8192), new DemoCrossCheck.Hole(newer, 65536),
                new DemoCrossCheck.Hole(lost, 4096));
        DemoBadBlocks drive = new DemoBadBlocks();
        for (DemoCrossCheck.Hole h : holes) drive.bad(ino(h.file()), h.offset());
        out.println("5. Now the drive fails. A read error cannot be made without root (a real failing drive, or a");
        out.println("   btrfs image with a corrupted block), so here it is SIMULATED inside this process, under");
        out.println("   the reader, as btrfs fails a bad block: one 4 KiB block is unreadable in each of");
        out.println("   " + rel(backups, linked) + " (hard-linked in all " + dates.size() + " snapshots),");
        out.println("   " + rel(backups, newer) + " (newer than the cold-storage mirror),");
        out.println("   " + rel(backups, lost) + " (deleted from the live data since).");
        out.println("   Good copies: a mirror of " + dates.get(0) + " in " + shown(mirror) + ", the live data in " + shown(live) + ".");
        Path rescued = dir.resolve("rescued");
        out.println("   On a real failing drive, the command is (step 7 runs one you can type here):");
        out.println("     linkrescue migrate --alternate mirror=/mnt/cold-copy --alternate original=/home \\");
        out.println("         /mnt/old-backup /mnt/new-backup --report rescue.json");
        out.println("   The same rescue, run here on the simulated drive into " + shown(rescued) + ":");
        out.flush();

        RescueOptions options = RescueOptions.defaults().withAlternates(List.of(
                Alternate.parse("mirror=" + mirror), Alternate.parse("original=" + live)));
        ProblemLog problems = new ProblemLog(console.err());
        RescueReport report = new RescueReport();
        try (RescueContentSource source = new RescueContentSource(options, problems, report, drive)) {
            new Evacuation(source, problems, new RunTotals(), Evacuation.Tuning.DEFAULT).onLaterPath(report::addPath)
                    .run(Args.bytes(backups.toString()), DiskSink.open(Args.bytes(rescued.toString()),
                            DiskSink.Options.defaults(), problems).allowLinksToNonRegular(), Evacuation.SinkKind.CONSUMES_BYTES);
        }
        out.println();
        out.println("6. What the rescue report says:");
        for (String line : report.summary()) out.println("   " + line);
        for (DamagedInodeRecord r : report.records()) {
            out.println("   " + shown(r.paths().get(0)) + (r.paths().size() > 1 ? " and " + (r.paths().size() - 1) + " more links" : "")
                    + ": " + (r.bytesLost() == 0 ? "repaired from " + r.accepted().candidate() : r.bytesLost() + " bytes lost (zeros)"));
        }
        boolean linkedOk = sameBytes(linked, rescued.resolve(rel(backups, linked)));
        boolean newerOk = sameBytes(newer, rescued.resolve(rel(backups, newer)));
        boolean lostShown = !sameBytes(lost, rescued.resolve(rel(backups, lost))) && report.exitCode() == 3;
        boolean allLinks = ino(rescued.resolve(rel(backups, linked))) == ino(rescued.resolve(dates.get(dates.size() - 1)).resolve("photos/img001.jpg"));
        out.println();
        out.println("   The rescued copy of the linked photo is byte-identical to the original data: " + yes(linkedOk && allLinks)
                + " (one repair, still one inode for all " + dates.size() + " snapshots)");
        out.println("   The newer photo came back from the live data: " + yes(newerOk));
        out.println("   The deleted photo had no good copy anywhere: its bad block is zeros, it is named in the");
        out.println("   report with every path, and a real run would exit 3: " + yes(lostShown));
        out.println();
        boolean again = new DemoCrossCheck(console).run(dir, backups, mirror, live, holes.get(0), holes.get(1), holes.get(2));
        return linkedOk && newerOk && lostShown && allLinks && again;
    }

    private static long ino(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    private static boolean sameBytes(Path a, Path b) throws IOException {
        return Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    private static String rel(Path base, Path p) { return base.relativize(p).toString(); }

    private static String yes(boolean b) { return b ? "yes" : "NO (a bug in linkrescue)"; }

    private static String shown(Path p) { return Args.display(p.toString()); }

    private static String shown(byte[] p) { return Names.display(p); }
}
