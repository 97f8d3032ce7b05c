package org.linkrescue.cli;

import picocli.CommandLine.Option;

/** The rescue map options of migrate, archive and extract (see README, "The rescue map"). */
final class MapOptions {
    @Option(names = "--resume", description = {"Continue a stopped run where its rescue map says it stopped.",
            "Give the same SOURCE, TARGET and options as the stopped run."})
    boolean resume;

    @Option(names = "--map", paramLabel = "FILE",
            description = "The rescue map (default: TARGET/.linkrescue-map; for archive: FILE.linkrescue-map).")
    String map;

    @Option(names = "--map-interval", paramLabel = "SECONDS",
            description = "Seconds between checkpoints of the rescue map (default: 5).")
    Double interval;

    @Option(names = "--no-map", description = "Keep no rescue map: a stopped run cannot be resumed.")
    boolean none;

    /** 5 s: a stop loses at most that much work, and the checkpoints cost 1-3 % at most (docs/benchmarks.md). */
    double interval() {
        double i = interval == null ? 5 : interval;
        if (!(i > 0)) throw new ExitCodes.UsageException("--map-interval must be more than 0 seconds");
        return i;
    }

    void check() {
        if (none && (resume || map != null)) throw new ExitCodes.UsageException("--no-map cannot go with --resume or --map");
        interval();
    }
}
