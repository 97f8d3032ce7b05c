package org.linkrescue.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.linkrescue.migrate.crosscheck.CrossCheckReport;
import org.linkrescue.migrate.ddrescue.DamageMap;
import org.linkrescue.migrate.ddrescue.ExtentScan;
import org.linkrescue.migrate.ddrescue.MappedDrive;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.inventory.Inventory;
import org.linkrescue.migrate.inventory.InventoryReport;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.stream.Json;
import org.linkrescue.migrate.verify.Tally;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "scan", mixinStandardHelpOptions = true,
        customSynopsis = "linkrescue scan [OPTIONS] SOURCE",
        header = "Inventory a snapshot tree, and map bad blocks to every path they hit.",
        description = {"Per snapshot its paths, inodes and the bytes it does not share with the snapshots before",
                "it; in all, paths, inodes, inodes by link count, unique vs apparent bytes, special files.",
                "With --read-test, read every inode once and list each damaged inode with ALL its paths and",
                "its bad byte ranges (the bad-block-to-file map)."},
        footer = {"", "Examples:",
                "  linkrescue scan /mnt/old-backup",
                "  linkrescue scan /mnt/old-backup --read-test --json scan.json",
                "  linkrescue scan /mnt/rsnapshot --snapshot-depth 2      (daily.0/localhost/...)",
                "", "Exit codes:", "  0  clean", "  3  damage found (--read-test: an inode that cannot be read in full; --ddrescue-map: a file,",
                "     directory or area in use not rescued; --cross-check: a disagreement with a copy)",
                "  1  error: SOURCE cannot be opened, or some paths could not be read (listed on stderr)",
                ExitCodes.HELP_USAGE})
final class ScanCommand implements Callable<Integer> {
    private final Console console;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The tree to inventory (e.g. the drive holding the snapshots).")
    String source;

    @Option(names = "--read-test", description = "Read every inode's data once (through the rescue reader) and map the damage to paths.")
    boolean readTest;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the inventory (and the damage map) to FILE as JSON.")
    Path json;

    @Option(names = "--snapshot-depth", paramLabel = "N", defaultValue = "1",
            description = "Leading path components that name a snapshot (default: ${DEFAULT-VALUE}; rsnapshot's daily.0/localhost: 2; 0: no snapshots).")
    int snapshotDepth;

    @Mixin ReadMixin read = new ReadMixin();
    @Mixin ExcludeOptions exclude = new ExcludeOptions();

    /** Without --read-test, the damage map comes from the mapfile and the files' extents: no data is read. */
    @Mixin DdrescueMapOption ddrescue = new DdrescueMapOption();

    @Mixin CrossCheckOption crossCheck = new CrossCheckOption();
    @Mixin AlternateOption alternates = new AlternateOption();

    @Option(names = {"-q", "--quiet"}, description = "No progress line (the results and any problems still print).")
    boolean quiet;

    ScanCommand(Console console) { this.console = console; }

    @Override
    public Integer call() throws Exception {
        Preflight.outputFile("--json", json == null ? null : json.toString());
        RescueOptions options;
        try {
            options = read.applyTo(RescueOptions.defaults()).withSnapshotDepth(snapshotDepth).withAlternates(alternates.parse());
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
        if (!options.alternates().isEmpty() && !crossCheck.on)
            throw new ExitCodes.UsageException("scan reads no copies but with --cross-check: --alternate alone does nothing");
        byte[] src = Args.bytes(source);
        Sources.checkSnapshotDepth(src, source, snapshotDepth);
        ProblemLog problems = new ProblemLog(console.err());
        Tally tally = new Tally();
        Inventory inv = new Inventory(snapshotDepth, readTest, options, problems, tally).filter(exclude.exclusions());
        DamageMap map = ddrescue.map(src, console.err());
        BlockReader drive = map == null ? BlockReader.REAL : new MappedDrive(BlockReader.REAL, map, true);
        if (map != null && readTest) inv.readingThrough(drive);
        else if (map != null) inv.mappedBy(new ExtentScan(map));
        WalkProgress.Plan plan = WalkProgress.Plan.of("scan", readTest ? "reading every inode" : "listing the tree (no data read)", readTest);
        try (TerminalLine progress = WalkProgress.startIf(console, quiet, tally, plan, problems)) {
            inv.run(src);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (PosixException e) {
            throw new IOException("cannot read source '" + Args.display(source) + "': " + e.reason());
        }
        CrossCheckReport cc = crossCheck.run(src, options, drive, console, quiet);
        long errors = problems.errors();
        boolean damage = inv.damageFound() || (cc != null && cc.disagreements());
        int code = damage ? ExitCodes.INCOMPLETE : errors > 0 ? ExitCodes.FATAL : ExitCodes.OK;
        InventoryReport.print(console.out(), inv, errors);
        if (cc != null) cc.print(console.out());
        console.out().flush();
        if (json != null) {
            try (Writer w = VerifyCommand.openJson(json)) {
                Json j = new Json(w);
                j.beginObject().field("command", "scan").field("source", Args.display(source))
                        .field("snapshotDepth", snapshotDepth).field("readTest", readTest);
                if (ddrescue.given()) j.field("ddrescueMapfile", Args.display(ddrescue.mapfile.toString()));
                InventoryReport.write(j, inv, errors);
                if (cc != null) {
                    j.name("crossCheck");
                    cc.write(j);
                }
                j.field("exitCode", code).endObject();
                w.write('\n');
            }
        }
        return code;
    }
}
