package org.linkrescue.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.linkrescue.archive.Compression;
import org.linkrescue.migrate.crosscheck.CrossCheckReport;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.map.Checkpoints;
import org.linkrescue.migrate.map.MapHeader;
import org.linkrescue.migrate.map.MapState;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.sink.PartialArchive;
import org.linkrescue.migrate.scan.Exclusions;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.sink.TarSink;
import org.linkrescue.migrate.stream.EntrySink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "archive", mixinStandardHelpOptions = true,
        customSynopsis = "linkrescue archive [OPTIONS] SOURCE -f FILE|-",
        header = "Write SOURCE's tree as a tar archive, every hard link kept.",
        description = {"SOURCE's contents become the archive's top level (like tar -C SOURCE -cf - .). GNU tar",
                "(>= 1.30) and bsdtar extract it into the identical tree. Damaged files are rescued as by",
                "migrate, and the archive carries what was rescued and what was lost (LINKRESCUE.* records)."},
        footer = {"", "Examples:",
                "  linkrescue archive /mnt/old-backup -f /mnt/new/backup.tar.zst",
                "  linkrescue archive /mnt/old-backup -f - --compress gzip | ssh host 'cat > backup.tgz'",
                "  linkrescue archive /mnt/old-backup -f backup.tar --alternate mirror=/mnt/cold-copy --exclude '*.tmp'",
                "", "Exit codes:", ExitCodes.HELP_OK, ExitCodes.HELP_INCOMPLETE, ExitCodes.HELP_INCOMPLETE_2,
                "  1  fatal: SOURCE unreadable, the archive's disk full or unwritable (no archive is left under FILE)",
                ExitCodes.HELP_USAGE})
final class ArchiveCommand implements Callable<Integer> {
    private final Console console;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The tree to archive (e.g. the drive holding the snapshots).")
    String source;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE|-", description = "The archive to write; - for standard output.")
    String file;

    @Option(names = "--compress", paramLabel = "none|gzip|zstd|xz",
            description = "Compression (default: from FILE's extension .gz/.zst/.xz, else none). xz is slow: choose it only on purpose.")
    String compress;

    @Option(names = "--dry-run", description = "Write nothing: say what would be archived (paths, inodes, bytes) and about how large the archive would be, against the free space where FILE would go.")
    boolean dryRun;

    @Mixin CommonOptions common = new CommonOptions();
    @Mixin ExcludeOptions exclude = new ExcludeOptions();
    @Mixin RescueMixin rescue = new RescueMixin();
    @Mixin DdrescueMapOption ddrescue = new DdrescueMapOption();
    @Mixin CrossCheckOption crossCheck = new CrossCheckOption();
    @Mixin ReadOrderOption order = new ReadOrderOption();
    @Mixin MapOptions maps = new MapOptions();
    @Spec CommandSpec spec;

    ArchiveCommand(Console console) { this.console = console; }

    @Override
    public Integer call() throws Exception {
        Evacuation.ReadOrder readOrder = order.value(); // a usage error before anything is made
        if (!dryRun) Args.notToTerminal(file, console);
        common.check();
        Compression compression = compress != null ? Sources.compression(compress)
                : Args.isStdio(file) ? Compression.NONE : Compression.fromFileName(file);
        Exclusions exclusions = exclude.exclusions();
        RescueOptions options = rescue.options();
        byte[] src = Args.bytes(source);
        Sources.checkSnapshotDepth(src, source, options.snapshotDepth());
        if (dryRun) {
            Sources.checkSource(src, source);
            FitCheck.archive(console, src, file, exclusions.and(Args.notTheArchive(file)));
            return ExitCodes.OK;
        }
        BlockReader drive = ddrescue.drive(src, false, console.err());
        CrossCheckReport cc = crossCheck.run(src, options, drive, console, common.quiet);
        drive = CrossCheckOption.zeroedBlocksFailing(drive, cc);
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        List<MapHeader.Option> shaping = new ArrayList<>(MapHeader.options("source", MapRun.absolute(source),
                "file", MapRun.absolute(file), "compress", compression.cliName()));
        shaping.addAll(MapRun.rescueOptions(options));
        ddrescue.shape(shaping);
        exclude.shape(shaping);
        crossCheck.shape(shaping);
        MapHeader header = MapHeader.startingNow("archive", shaping, CommandText.of(args), CommandText.resume(args));
        try (Session s = new Session(console, common, "archive"); Sources.Rescue r = new Sources.Rescue(options, rescue.passes(), s, drive)) {
            ddrescue.place(s.report);
            s.report.place("source", Args.display(source)).place("archive", Args.display(file))
                    .place("compression", compression.cliName());
            return s.run(() -> {
                Sources.checkSource(src, source);
                try (MapRun m = MapRun.forArchive(maps, file, header)) {
                    // Resumed before its first checkpoint with an entry done, the archive starts over in its partial file.
                MapState.OutputMark at = m.resumed() == null ? null : m.resumed().output("archive");
                    // A file is written under FILE.partial and renamed once complete; stdout cannot be.
                    try (PartialArchive partial = Args.isStdio(file) ? null
                            : m.resumed() != null ? PartialArchive.reopen(Path.of(file), at == null ? 0 : at.offset())
                        : PartialArchive.create(Path.of(file))) {
                        m.create();
                        OutputStream raw = new BufferedOutputStream(partial == null ? Args.openOutput(file, console) : partial.stream(), 64 * 1024);
                        int threads = Runtime.getRuntime().availableProcessors();
                        TarSink sink = (at == null ? TarSink.open(raw, compression, threads, ProvenanceRecords::of)
                                : TarSink.resume(raw, compression, threads, at.tarBytes(), ProvenanceRecords::of))
                                .holdPendingIn(options.spoolDir()) // damaged files go last, once their bad areas are settled
                                .stopWith(s.stop);
                        if (partial != null) sink.checkpointed("archive", partial);
                        if (m.map() != null) m.map().resume(s.totals, s.problems, r.report);
                        EntrySink run = m.checkpointed(sink, sink, Checkpoints.Order.WALK, s);
                        PathFilter filter = exclusions.and(Args.notTheArchive(file)).and(Args.notOurMap(source, m.file()));
                        return m.evacuate(s, r, r.evacuation(readOrder, filter).stopWith(s.stop), src, filter, run, partial,
                                () -> CrossCheckOption.tell(cc, s));
                    }
                }
            });
        }
    }
}
