package org.linkrescue.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.linkrescue.migrate.repair.DamageFinder;
import org.linkrescue.migrate.repair.ReadTestFinder;
import org.linkrescue.migrate.repair.Repair;
import org.linkrescue.migrate.repair.RepairOptions;
import org.linkrescue.migrate.repair.RepairReport;
import org.linkrescue.migrate.repair.RepairResult;
import org.linkrescue.migrate.repair.RescueGoodData;
import org.linkrescue.migrate.repair.ScanJsonFinder;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.rescue.Alternate;
import org.linkrescue.migrate.rescue.RescueOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "repair", mixinStandardHelpOptions = true,
        customSynopsis = "linkrescue repair [OPTIONS] SOURCE --alternate mirror=DIR|original=DIR...",
        header = "Fix each damaged file of SOURCE in place, keeping every hard link.",
        description = {"Each damaged inode is replaced, on the same drive, by a new inode holding the good data (the",
                "drive's readable bytes plus a verified copy's for the bad ones), and every hard link of the old",
                "inode is moved to it: one atomic rename per path. SOURCE must be mounted read-write. A journal",
                "makes a killed run resumable: the next run completes it first."},
        footer = {"", "Examples:",
                "  linkrescue repair /mnt/old-backup --alternate mirror=/mnt/cold-copy --dry-run",
                "  linkrescue scan /mnt/old-backup --read-test --json scan.json",
                "  linkrescue repair /mnt/old-backup --alternate original=/home --from-scan scan.json --report repair.json",
                "", "Exit codes:",
                "  0  every damaged inode repaired (or none found)",
                "  3  some inode not repaired (no verified copy, links outside SOURCE, ...: listed)",
                "  1  fatal: SOURCE unreadable, the drive refused a write, a bad journal",
                ExitCodes.HELP_USAGE})
final class RepairCommand implements Callable<Integer> {
    private final Console console;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The tree on the failing drive.")
    String source;

    @Option(names = "--alternate", paramLabel = "KIND=DIR", required = true,
            description = "Where good copies may be: mirror=DIR (a copy of the backup tree) or original=DIR (the live data). Repeatable; tried in order.")
    List<String> alternates = new ArrayList<>();

    @Option(names = "--snapshot-depth", paramLabel = "N", defaultValue = "1",
            description = "Leading path components that name a snapshot (default: ${DEFAULT-VALUE}).")
    int snapshotDepth;

    @Option(names = "--accept-mtime-mismatch", description = "Accept a copy whose readable bytes agree but whose mtime differs (reported).")
    boolean acceptMtimeMismatch;

    @Option(names = "--from-scan", paramLabel = "FILE", description = "Take the damaged inodes from the JSON of an earlier `scan --read-test` instead of reading all of SOURCE.")
    Path fromScan;

    @Option(names = "--dry-run", description = "Print the plan (reading and verifying as a repair would); change nothing.")
    boolean dryRun;

    @Option(names = "--allow-partial", description = "Repair an inode that has links outside SOURCE too; those links keep the damaged data.")
    boolean allowPartial;

    @Option(names = "--journal", paramLabel = "FILE", description = "The journal (default: SOURCE/.linkrescue-repair.journal).")
    String journal;

    @Option(names = "--report", paramLabel = "FILE", description = "Write a JSON report of the repair to FILE.")
    String report;

    @Mixin ReadMixin read = new ReadMixin();

    RepairCommand(Console console) { this.console = console; }

    @Override
    public Integer call() throws Exception {
        byte[] src = Args.bytes(source);
        Sources.checkSource(src, source);
        RescueOptions rescue = rescueOptions();
        Sources.checkSnapshotDepth(src, source, snapshotDepth);
        Preflight.outputFile("--report", report);
        if (!dryRun) Preflight.writableMount("repair: SOURCE", source);
        ProblemLog problems = new ProblemLog(console.err());
        DamageFinder finder = fromScan != null ? scanJson() : new ReadTestFinder(rescue, problems);
        RepairOptions opts = new RepairOptions(src, journal == null ? null : Args.bytes(journal), dryRun, allowPartial);
        RepairResult r = new Repair(opts, finder, new RescueGoodData(rescue), problems, console.out()).run();
        console.out().flush();
        if (report != null) {
            try (Writer w = new OutputStreamWriter(Files.newOutputStream(Path.of(report)), StandardCharsets.UTF_8)) {
                RepairReport.write(w, src, r);
            } catch (IOException e) {
                throw new IOException("cannot write report '" + Args.display(report) + "': " + Args.why(e), e);
            }
        }
        return r.allRepaired() ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }

    /** The damage an earlier scan found; a file that is not such a scan is a usage error, before anything is read. */
    private DamageFinder scanJson() {
        try {
            return new ScanJsonFinder(fromScan);
        } catch (IOException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
    }

    private RescueOptions rescueOptions() {
        List<Alternate> alts = new ArrayList<>();
        try {
            for (String a : alternates) alts.add(AlternateOption.checked(Alternate.parse(a)));
            return read.applyTo(RescueOptions.defaults()).withAlternates(alts).withSnapshotDepth(snapshotDepth)
                    .withAcceptMtimeMismatch(acceptMtimeMismatch);
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
    }
}
