package org.linkrescue.cli;

import java.nio.file.Path;
import java.util.Set;
import org.linkrescue.migrate.rescue.Pass;
import org.linkrescue.migrate.rescue.RescueOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How archive and migrate read a failing drive (issue 3); defaults and reasons live in RescueOptions. */
final class RescueMixin {
    @Mixin AlternateOption alternates = new AlternateOption();

    @Option(names = "--snapshot-depth", paramLabel = "N", description = "Leading path components naming a snapshot (default: 1).")
    Integer snapshotDepth;

    @Mixin ReadMixin read = new ReadMixin();

    @Option(names = "--accept-mtime-mismatch",
            description = "Splice from a copy whose mtime differs when every readable byte agrees (reported).")
    boolean acceptMtimeMismatch;

    @Option(names = "--spool-dir", paramLabel = "DIR",
            description = "Where a damaged file's readable bytes wait while copies are checked (default: the temp dir; a healthy disk).")
    String spoolDir;

    @Option(names = "--passes", paramLabel = "LIST",
            description = {"The rescue's passes, comma-separated: copy, scrape, retry, splice, or all (default: all).",
                    "copy alone reads the tree once, skipping past bad areas: the healthy data is out fast, damaged files keep zeros there (reported)."})
    String passes;

    /** The passes to run; a wrong list is a usage error. */
    Set<Pass> passes() {
        try {
            return passes == null ? Pass.ALL : Pass.parse(passes);
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
    }

    /** The options; a wrong value is a usage error. */
    RescueOptions options() {
        try {
            RescueOptions o = RescueOptions.defaults();
            o = o.withAlternates(alternates.parse());
            if (snapshotDepth != null) o = o.withSnapshotDepth(snapshotDepth);
            o = read.applyTo(o);
            if (acceptMtimeMismatch) o = o.withAcceptMtimeMismatch(true);
            if (spoolDir != null) {
                Preflight.writableDirectory("--spool-dir", spoolDir);
                o = o.withSpoolDir(Path.of(spoolDir));
            }
            return o;
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
    }
}
