package org.linkrescue.cli;

import java.io.BufferedInputStream;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.map.MapFile;
import org.linkrescue.migrate.map.RescueMap;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.ReadLimits;
import org.linkrescue.archive.TarReader;
import org.linkrescue.migrate.crosscheck.CrossCheckReport;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.scan.Exclusions;
import org.linkrescue.migrate.sink.PartialArchive;
import org.linkrescue.migrate.stream.Json;
import org.linkrescue.migrate.verify.ArchiveVerifier;
import org.linkrescue.migrate.verify.FindingLog;
import org.linkrescue.migrate.verify.ReadThrough;
import org.linkrescue.migrate.verify.RescueHashes;
import org.linkrescue.migrate.verify.Tally;
import org.linkrescue.migrate.verify.TargetCount;
import org.linkrescue.migrate.verify.TreeVerifier;
import org.linkrescue.migrate.verify.VerifySummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "verify", mixinStandardHelpOptions = true,
        customSynopsis = {"linkrescue verify [OPTIONS] SOURCE TARGET", "   or: linkrescue verify [OPTIONS] --archive FILE|- SOURCE"},
        header = "Prove that TARGET (or an archive) holds SOURCE exactly, link for link.",
        description = {"Every path, type, byte, mode, owner, mtime to the nanosecond, symlink target, device number,",
                "extended attributes (ACLs included), and the same hard links (paths sharing an inode in SOURCE",
                "share one in TARGET, and no others do). Bytes SOURCE cannot read (a failing drive) are",
                "'unverifiable', not differences."},
        footer = {"", "Examples:",
                "  linkrescue verify /mnt/old-backup /mnt/new-backup",
                "  linkrescue verify /mnt/old-backup /mnt/new-backup --rescue-report rescue.json --json diff.json",
                "  linkrescue verify --archive backup.tar.zst /mnt/old-backup",
                "", "Exit codes:", "  0  identical", "  4  differences found (listed on stdout, all of them with --json); with --cross-check, also",
                "     a file of SOURCE that disagrees with its copy",
                "  1  error: a root or the archive cannot be read, or some paths could not be compared",
                ExitCodes.HELP_USAGE})
final class VerifyCommand implements Callable<Integer> {
    /** Examples of each kind of difference shown on screen. */
    static final int EXAMPLES = 5;

    private final Console console;

    @Parameters(paramLabel = "PATH", arity = "1..2", description = "SOURCE TARGET, or with --archive: SOURCE.")
    List<String> paths = new ArrayList<>();

    @Option(names = "--archive", paramLabel = "FILE", description = "Check this archive (tar, plain or gz/zst/xz; - for stdin) against SOURCE, without extracting it.")
    String archive;

    @Option(names = "--rescue-report", paramLabel = "FILE", description = "The --report of the rescue that made TARGET: spliced inodes are checked against the SHA-256 it wrote.")
    Path rescueReport;

    @Option(names = "--json", paramLabel = "FILE", description = "Write every finding and the totals to FILE as JSON.")
    Path json;

    @Option(names = {"-q", "--quiet"}, description = "No progress line (the results and any problems still print).")
    boolean quiet;

    @Option(names = "--sparse", description = "Also compare where the data lies: a hole of SOURCE (whole 4 KiB blocks) that holds data in TARGET, or that the archive stores as data, is a difference (kind sparse).")
    boolean sparse;

    /** SOURCE may be the failing drive: a read of it hanging longer is abandoned, the rest of that file unverifiable. */
    @Mixin ReadTimeoutOption readTimeout = new ReadTimeoutOption();
    @Mixin ExcludeOptions exclude = new ExcludeOptions();

    /** --archive is read within these. */
    @Mixin ArchiveLimitsOptions limits = new ArchiveLimitsOptions();

    /** SOURCE may be mounted from a ddrescue image: what the mapfile calls unrescued is unverifiable, never equal. */
    @Mixin DdrescueMapOption ddrescue = new DdrescueMapOption();

    /** SOURCE's files compared with their copies too: silent damage the comparison with TARGET cannot show. */
    @Mixin CrossCheckOption crossCheck = new CrossCheckOption();
    @Mixin AlternateOption alternates = new AlternateOption();

    @Option(names = "--snapshot-depth", paramLabel = "N", defaultValue = "1",
            description = "With --cross-check: leading path components naming a snapshot (default: ${DEFAULT-VALUE}).")
    int snapshotDepth;

    VerifyCommand(Console console) { this.console = console; }

    @Override
    public Integer call() throws Exception {
        if (archive != null && paths.size() != 1)
            throw new ExitCodes.UsageException("verify --archive FILE takes one SOURCE, not " + paths.size() + " paths");
        if (archive == null && paths.size() != 2)
            throw new ExitCodes.UsageException("verify needs SOURCE and TARGET (or --archive FILE SOURCE)");
        if (archive != null && rescueReport != null)
            throw new ExitCodes.UsageException("--rescue-report applies to verify SOURCE TARGET, not to --archive");
        Integer stopped = stoppedRun();
        if (stopped != null) return stopped;
        if (archive != null) Args.notFromTerminal(archive, console);
        Exclusions exclusions = exclude.exclusions();
        Preflight.outputFile("--json", json == null ? null : json.toString());
        RescueHashes rescue = null;
        if (rescueReport != null) {
            try {
                rescue = RescueHashes.read(rescueReport);
            } catch (IOException e) {
                throw new ExitCodes.UsageException("--rescue-report '" + Args.display(rescueReport.toString()) + "': " + e.getMessage());
            }
        }
        ReadLimits readLimits = limits.limits();
        RescueOptions options;
        try {
            options = readTimeout.applyTo(RescueOptions.defaults()).withSnapshotDepth(snapshotDepth).withAlternates(alternates.parse());
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
        if (!options.alternates().isEmpty() && !crossCheck.on)
            throw new ExitCodes.UsageException("verify reads no copies but with --cross-check: --alternate alone does nothing");
        Duration timeout = options.readTimeout();
        Sources.checkRoot(Args.bytes(paths.get(0)), "source", paths.get(0));
        if (archive == null) Sources.checkRoot(Args.bytes(paths.get(1)), "target", paths.get(1));
        BlockReader drive = ddrescue.drive(Args.bytes(paths.get(0)), true, console.err());
        CrossCheckReport cc = crossCheck.run(Args.bytes(paths.get(0)), options, drive, console, quiet);
        ProblemLog problemLog = new ProblemLog(console.err());
        Tally tally = new Tally();
        Writer jsonOut = json == null ? null : openJson(json);
        Json j = jsonOut == null ? null : new Json(jsonOut);
        try {
            if (j != null) {
                j.beginObject().field("command", "verify").field("mode", archive == null ? "tree" : "archive")
                        .field("source", Args.display(paths.get(0)));
                if (archive == null) j.field("target", Args.display(paths.get(1)));
                else j.field("archive", Args.display(archive));
                j.name("findings").beginArray();
            }
            FindingLog log = new FindingLog(EXAMPLES, j);
            // SOURCE may be the failing drive: its reads run on workers and are given up when they hang.
            try (TimedReads reads = new TimedReads(drive, timeout, ReadThrough.CHUNK)) {
                if (archive == null) {
                    // The total comes from a count of TARGET's paths: the healthy copy, never the failing drive.
                    RunTotals target = new RunTotals();
                    WalkProgress.Plan plan = WalkProgress.Plan.of("verify", "comparing every path, link and byte", true)
                            .measuredBy(target::expectedPaths, () -> target.expectedBytes() < 0 ? -1 : 2 * target.expectedBytes()); // each side's bytes
                    try (TerminalLine progress = WalkProgress.startIf(console, quiet, tally, plan, problemLog)) {
                        if (progress != null) TargetCount.start(Args.bytes(paths.get(1)), target, exclusions);
                        new TreeVerifier(log, log.errorsTo(problemLog), rescue, tally, reads).filter(exclusions).checkHoles(sparse)
                                .verify(Args.bytes(paths.get(0)), Args.bytes(paths.get(1)));
                    }
                } else {
                    Args.Counted counted = Args.counted(Args.openInput(archive, console));
                    long size = Args.isStdio(archive) ? -1 : new File(archive).length();
                    WalkProgress.Plan plan = WalkProgress.Plan.of("verify", "reading the archive, comparing with SOURCE", true)
                            .measuredByCount(counted::count, () -> size);
                    try (InputStream raw = counted; TerminalLine progress = WalkProgress.startIf(console, quiet, tally, plan, problemLog)) {
                        InputStream plain = Compression.decompressDetected(new BufferedInputStream(raw, 1 << 16));
                        new ArchiveVerifier(log, log.errorsTo(problemLog), tally, reads).excluding(exclusions).checkHoles(sparse)
                                .verify(new TarReader(plain, readLimits), Args.bytes(paths.get(0)));
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            VerifySummary.Verdict verdict = VerifySummary.verdict(log);
            int code = switch (verdict) {
                case IDENTICAL -> ExitCodes.OK;
                case DIFFERENT -> ExitCodes.DIFFERENT;
                case INCOMPLETE -> ExitCodes.FATAL;
            };
            if (cc != null && cc.disagreements() && code == ExitCodes.OK) code = ExitCodes.DIFFERENT;
            VerifySummary.print(console.out(), log, tally, archive == null ? "TARGET" : "the archive");
            if (cc != null) cc.print(console.out());
            console.out().flush();
            if (j != null) {
                j.endArray();
                VerifySummary.totals(j, log, tally);
                if (cc != null) {
                    j.name("crossCheck");
                    cc.write(j);
                }
                j.field("exitCode", code).endObject();
                jsonOut.write('\n');
            }
            return code;
        } finally {
            if (jsonOut != null) jsonOut.close();
        }
    }

    /**
     * A TARGET (or archive) a stopped run left behind is not compared path by path (thousands of
     * "missing" findings would say nothing new): one verdict, "incomplete: interrupted run",
     * with the command that resumes it; exit 4. Null when it is no such thing.
     */
    private Integer stoppedRun() throws IOException {
        String what;
        RescueMap.Found f = null;
        if (archive == null) {
            f = RescueMap.inTarget(Args.bytes(paths.get(1)));
            if (f == null) return null;
            what = "TARGET holds a stopped " + f.state().header().command();
        } else {
            Path partial = PartialArchive.partialOf(Path.of(archive));
            if (Files.exists(Path.of(archive)) || !Files.exists(partial)) return null;
            byte[] m = RescueMap.besideArchive(Args.bytes(archive), null);
            if (Files.exists(Path.of(Names.latin1(m)))) f = new RescueMap.Found(m, MapFile.read(m));
            what = "the archive is not written to its end (only " + Args.display(partial.toString()) + " is there)";
        }
        String detail = what + (f == null ? "" : " (" + f.state().entries() + " entries done, rescue map '"
                + Names.display(f.path()) + "'); resume with: " + f.state().header().resumeCommand()) + ", then verify";
        console.out().println("verify: incomplete: interrupted run: " + detail);
        console.out().flush();
        if (json != null) {
            try (Writer w = openJson(json)) {
                Json j = new Json(w);
                j.beginObject().field("command", "verify").field("mode", archive == null ? "tree" : "archive")
                        .field("source", Args.display(paths.get(0)));
                if (archive == null) j.field("target", Args.display(paths.get(1)));
                else j.field("archive", Args.display(archive));
                j.name("findings").beginArray().beginObject().field("kind", "interrupted").field("detail", detail).endObject().endArray();
                j.field("verdict", "interrupted").field("exitCode", ExitCodes.DIFFERENT).endObject();
                j.flush();
                w.write('\n');
            }
        }
        return ExitCodes.DIFFERENT;
    }

    static Writer openJson(Path file) throws IOException {
        try {
            return new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IOException("cannot write --json '" + Args.display(file.toString()) + "': " + Args.why(e), e);
        }
    }
}
