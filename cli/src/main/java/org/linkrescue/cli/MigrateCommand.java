package org.linkrescue.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.linkrescue.archive.Compression;
import org.linkrescue.migrate.crosscheck.CrossCheckReport;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.scan.Exclusions;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.sink.DiskSink;
import org.linkrescue.migrate.sink.PartialArchive;
import org.linkrescue.migrate.sink.TarSink;
import org.linkrescue.migrate.sink.TeeSink;
import org.linkrescue.migrate.stream.EntrySink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        customSynopsis = "linkrescue migrate [OPTIONS] SOURCE TARGET",
        header = "Copy SOURCE's tree to TARGET in one pass, every hard link kept.",
        description = {"The same as archive | extract, without the archive in between. TARGET is created if",
                "missing and must be empty, and lies neither inside SOURCE nor around it. A damaged file is",
                "rescued from the --alternate copies where they hold verified good bytes; what no copy can give",
                "is zero-filled and named on stderr and in --report."},
        footer = {"", "Examples:",
                "  linkrescue migrate /mnt/old-backup /mnt/new-backup --dry-run",
                "  linkrescue migrate /mnt/old-backup /mnt/new-backup",
                "  linkrescue migrate /mnt/old-backup /mnt/new-backup --alternate mirror=/mnt/cold-copy \\",
                "      --alternate original=/home --report rescue.json",
                "  linkrescue migrate /mnt/old /mnt/new --exclude '*.tmp' --archive-copy /mnt/other/backup.tar.zst",
                "", "Exit codes:", ExitCodes.HELP_OK, ExitCodes.HELP_INCOMPLETE, ExitCodes.HELP_INCOMPLETE_2,
                ExitCodes.HELP_FATAL, "     (also: TARGET has not the room or the inodes for the copy, checked before anything is written)",
                ExitCodes.HELP_USAGE})
final class MigrateCommand implements Callable<Integer> {
    private final Console console;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The tree to copy.")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET", description = "Where the copy goes (created if missing; must be empty).")
    String target;

    @Option(names = "--archive-copy", paramLabel = "FILE",
            description = "Also write a portable tar archive of the same pass to FILE (compression by extension).")
    String archiveCopy;

    @Option(names = "--dry-run", description = "Write nothing: say what would be copied (paths, inodes, bytes) and whether TARGET has the room and the inodes for it (exit 0: fits, 1: does not).")
    boolean dryRun;

    @Option(names = "--force", description = "Start even if TARGET's file system looks too small (the room check before the copy is skipped).")
    boolean force;

    @Mixin CommonOptions common = new CommonOptions();
    @Mixin ExcludeOptions exclude = new ExcludeOptions();
    @Mixin RescueMixin rescue = new RescueMixin();
    @Mixin DdrescueMapOption ddrescue = new DdrescueMapOption();
    @Mixin CrossCheckOption crossCheck = new CrossCheckOption();
    @Mixin ReadOrderOption order = new ReadOrderOption();

    MigrateCommand(Console console) { this.console = console; }

    @Override
    public Integer call() throws Exception {
        Evacuation.ReadOrder readOrder = order.value(); // a usage error before anything is made
        if (archiveCopy != null) Args.notToTerminal(archiveCopy, console);
        common.check();
        Preflight.outputFile("--archive-copy", archiveCopy);
        Exclusions exclusions = exclude.exclusions();
        RescueOptions options = rescue.options();
        byte[] src = Args.bytes(source);
        Sources.checkSnapshotDepth(src, source, options.snapshotDepth());
        FitCheck.Result fit = checkBeforeReading(src, exclusions);
        if (dryRun) return fit.fits() ? ExitCodes.OK : ExitCodes.FATAL;
        BlockReader drive = ddrescue.drive(src, false, console.err());
        CrossCheckReport cc = crossCheck.run(src, options, drive, console, common.quiet);
        drive = CrossCheckOption.zeroedBlocksFailing(drive, cc);
        try (Session s = new Session(console, common, "migrate"); Sources.Rescue r = new Sources.Rescue(options, rescue.passes(), s, drive)) {
            ddrescue.place(s.report);
            s.report.place("source", Args.display(source)).place("target", Args.display(target));
            return s.run(() -> {
                Sources.checkApart(Sources.checkSource(src, source), source, target); // again, if it was unreadable before
                EntrySink sink = DiskSink.open(Args.bytes(target), DiskSink.Options.defaults(), s.problems).allowLinksToNonRegular();
                // The rescue source offers no descriptor to copy from (a kernel copy cannot be timed out or
                // resumed block by block), so the bytes pass through memory: read them ahead.
                Evacuation.SinkKind kind = Evacuation.SinkKind.CONSUMES_BYTES;
                PathFilter filter = exclusions;
                PartialArchive copy = null;
                try {
                    if (archiveCopy != null) {
                        s.report.place("archive", Args.display(archiveCopy));
                        try {
                            Compression c = Args.isStdio(archiveCopy) ? Compression.NONE : Compression.fromFileName(archiveCopy);
                            // Written under FILE.partial and renamed once complete, as archive -f does.
                            if (!Args.isStdio(archiveCopy)) copy = PartialArchive.create(Path.of(archiveCopy));
                            TarSink tar = TarSink.open(new BufferedOutputStream(copy == null ? Args.openOutput(archiveCopy, console) : copy.stream(), 64 * 1024),
                                    c, Runtime.getRuntime().availableProcessors(), ProvenanceRecords::of).holdPendingIn(options.spoolDir());
                            sink = new TeeSink(sink, tar);
                            filter = exclusions.and(Args.notTheArchive(archiveCopy));
                        } catch (Exception e) {
                            sink.close();
                            throw e;
                        }
                    }
                    if (fit != null) s.expect(fit.size().counts().paths(), fit.size().counts().bytes()); // counted already
                    else s.estimate(src);
                    r.evacuation(readOrder, filter).run(src, sink, kind);
                    if (copy != null) copy.commit();
                    boolean lost = r.finish();
                    CrossCheckOption.tell(cc, s);
                    return s.finish(lost);
                } finally {
                    if (copy != null) copy.close();
                }
            });
        }
    }

    /**
     * TARGET apart from SOURCE, and its room (unless --force), before the drive is read: the
     * room check's result, or null when it was skipped. An unreadable SOURCE is left to the run,
     * which stops on it with its --report (a dry run says it here).
     */
    private FitCheck.Result checkBeforeReading(byte[] src, Exclusions exclusions) throws IOException {
        if (!dryRun && !Sources.readable(src)) return null;
        Sources.checkApart(Sources.checkSource(src, source), source, target);
        return force && !dryRun ? null : FitCheck.migrate(console, src, target, archiveCopy, exclusions, dryRun);
    }

}
