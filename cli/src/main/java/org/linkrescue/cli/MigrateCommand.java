package org.linkrescue.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.linkrescue.archive.Compression;
import org.linkrescue.migrate.crosscheck.CrossCheckReport;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.map.Checkpoints;
import org.linkrescue.migrate.map.MapHeader;
import org.linkrescue.migrate.map.MapState;
import org.linkrescue.migrate.map.RescueMap;
import org.linkrescue.migrate.map.TargetCleanup;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.scan.Exclusions;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.sink.DiskSink;
import org.linkrescue.migrate.sink.PartialArchive;
import org.linkrescue.migrate.sink.TarSink;
import org.linkrescue.migrate.sink.TeeSink;
import org.linkrescue.migrate.stream.Checkpointable;
import org.linkrescue.migrate.stream.EntrySink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        customSynopsis = "linkrescue migrate [OPTIONS] SOURCE TARGET",
        header = "Copy SOURCE's tree to TARGET in one pass, every hard link kept.",
        description = {"The same as archive | extract, without the archive in between. TARGET is created if",
                "missing and must be empty, and lies neither inside SOURCE nor around it. A damaged file is",
                "rescued from the --alternate copies where they hold verified good bytes; what no copy can give",
                "is zero-filled and named on stderr and in --report. A rescue map in TARGET (.linkrescue-map)",
                "lets a stopped run go on with --resume."},
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
    @Mixin MapOptions maps = new MapOptions();
    @Spec CommandSpec spec;

    MigrateCommand(Console console) { this.console = console; }

    @Override
    public Integer call() throws Exception {
        Evacuation.ReadOrder readOrder = order.value(); // a usage error before anything is made
        if (archiveCopy != null) Args.notToTerminal(archiveCopy, console);
        // A copy on standard output cannot be cut back and appended to: a stopped run's tree resumes without it.
        boolean copyToStdout = archiveCopy != null && Args.isStdio(archiveCopy);
        if (copyToStdout && maps.resume) {
            throw new ExitCodes.UsageException("--resume: an archive copy written to standard output cannot be resumed: resume without"
                    + " --archive-copy (the tree goes on), then write the archive with linkrescue archive");
        }
        common.check();
        Preflight.outputFile("--archive-copy", archiveCopy);
        Exclusions exclusions = exclude.exclusions();
        byte[] tgt = Args.bytes(target);
        RescueOptions options = rescue.options();
        byte[] src = Args.bytes(source);
        Sources.checkSnapshotDepth(src, source, options.snapshotDepth());
        FitCheck.Result fit = checkBeforeReading(src, exclusions, options);
        if (dryRun) return fit.fits() ? ExitCodes.OK : ExitCodes.FATAL;
        BlockReader drive = ddrescue.drive(src, false, console.err());
        CrossCheckReport cc = crossCheck.run(src, options, drive, console, common.quiet);
        drive = CrossCheckOption.zeroedBlocksFailing(drive, cc);
        Compression copyCompression = archiveCopy == null || Args.isStdio(archiveCopy) ? Compression.NONE : Compression.fromFileName(archiveCopy);
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        List<MapHeader.Option> shaping = new ArrayList<>(MapHeader.options("source", MapRun.absolute(source), "target", MapRun.absolute(target)));
        shaping.addAll(MapRun.rescueOptions(options));
        if (archiveCopy != null && !copyToStdout) shaping.addAll(MapHeader.options("archive-copy", MapRun.absolute(archiveCopy), "compress", copyCompression.cliName()));
        ddrescue.shape(shaping);
        exclude.shape(shaping);
        crossCheck.shape(shaping);
        MapHeader header = MapHeader.startingNow("migrate", shaping, CommandText.of(args),
                CommandText.resume(copyToStdout ? CommandText.without(args, "--archive-copy") : args));
        try (Session s = new Session(console, common, "migrate"); Sources.Rescue r = new Sources.Rescue(options, rescue.passes(), s, drive)) {
            ddrescue.place(s.report);
            s.report.place("source", Args.display(source)).place("target", Args.display(target));
            return s.run(() -> {
                Sources.checkApart(Sources.checkSource(src, source), source, target);
                PartialArchive copy = null;
                try (MapRun m = MapRun.forTarget(maps, target, header)) {
                    MapState resumed = m.resumed();
                    // What a stopped run wrote after its last checkpoint goes; the rest stays and is not read again.
                    if (resumed != null) TargetCleanup.afterLast(tgt, resumed.last(), RescueMap.ownNames());
                    DiskSink disk = DiskSink.open(tgt, DiskSink.Options.defaults().withAllowExisting(m.resuming()), s.problems)
                            .allowLinksToNonRegular().stopWith(s.stop);
                    EntrySink sink = disk;
                    Checkpointable outputs = disk;
                    PathFilter filter = exclusions;
                    try {
                        m.create();
                        if (m.map() != null) m.map().resume(disk);
                        if (archiveCopy != null) {
                            s.report.place("archive", Args.display(archiveCopy));
                            TarSink tar;
                            if (Args.isStdio(archiveCopy)) {
                                tar = TarSink.open(new BufferedOutputStream(Args.openOutput(archiveCopy, console), 64 * 1024), Compression.NONE,
                                        Runtime.getRuntime().availableProcessors(), ProvenanceRecords::of).holdPendingIn(options.spoolDir());
                            } else {
                                // Written under FILE.partial and renamed once complete, as archive -f does.
                                MapState.OutputMark at = resumed == null ? null : resumed.output("archive-copy");
                                copy = resumed == null ? PartialArchive.create(Path.of(archiveCopy))
                                        : PartialArchive.reopen(Path.of(archiveCopy), at == null ? 0 : at.offset());
                                OutputStream out = new BufferedOutputStream(copy.stream(), 64 * 1024);
                                int threads = Runtime.getRuntime().availableProcessors();
                                tar = (at == null ? TarSink.open(out, copyCompression, threads, ProvenanceRecords::of)
                                        : TarSink.resume(out, copyCompression, threads, at.tarBytes(), ProvenanceRecords::of))
                                        .checkpointed("archive-copy", copy).holdPendingIn(options.spoolDir()).stopWith(s.stop);
                            }
                            TeeSink tee = new TeeSink(disk, tar);
                            sink = tee;
                            outputs = tee;
                            filter = exclusions.and(Args.notTheArchive(archiveCopy));
                        }
                    } catch (Exception e) {
                        sink.close();
                        throw e;
                    }
                    if (fit != null) s.expect(fit.size().counts().paths(), fit.size().counts().bytes()); // counted already
                    if (m.map() != null) m.map().resume(s.totals, s.problems, r.report);
                    EntrySink run = m.checkpointed(sink, outputs, Checkpoints.Order.WALK, s);
                    if (m.checkpoints() != null) disk.ledger(m.checkpoints()).onFinishing(m.checkpoints());
                    return m.evacuate(s, r, r.evacuation(readOrder, filter, fit == null ? null : fit.record()).stopWith(s.stop), src, filter, run, copy,
                            () -> CrossCheckOption.tell(cc, s));
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
    private FitCheck.Result checkBeforeReading(byte[] src, Exclusions exclusions, RescueOptions options) throws IOException {
        if (!dryRun && !Sources.readable(src)) return null;
        Sources.checkApart(Sources.checkSource(src, source), source, target);
        // A resumed run's TARGET holds most of the copy already: the room for the rest is not checked.
        return (force || maps.resume) && !dryRun ? null : FitCheck.migrate(console, src, target, archiveCopy, exclusions, dryRun,
                options.readTimeout());
    }

}
