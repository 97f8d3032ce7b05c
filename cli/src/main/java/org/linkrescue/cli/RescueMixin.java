package org.linkrescue.cli;

import java.nio.file.Path;
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

    /** The options; a wrong value is a usage error. */
    RescueOptions options() {
        try {
            RescueOptions o = RescueOptions.defaults();
            o = o.withAlternates(alternates.parse());
            if (snapshotDepth != null) o = o.withSnapshotDepth(snapshotDepth);
            o = read.applyTo(o);
            if (acceptMtimeMismatch) o = o.withAcceptMtimeMismatch(true);
            if (spoolDir != null) o = o.withSpoolDir(Path.of(spoolDir));
            return o;
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
    }
}
