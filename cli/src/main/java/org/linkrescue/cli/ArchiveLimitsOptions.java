package org.linkrescue.cli;

import java.util.Locale;
import org.linkrescue.archive.ReadLimits;
import org.linkrescue.archive.ReadLimits.Limit;
import picocli.CommandLine.Option;

/**
 * The limits on an archive's metadata (extract, verify --archive): a stranger's archive cannot
 * take more memory than these, and one that needs more is refused with a line naming the option
 * that raises the limit. Sizes take a K, M or G suffix (powers of 1024).
 */
final class ArchiveLimitsOptions {
    @Option(names = "--max-header-size", paramLabel = "BYTES",
            description = "Largest pax header or GNU long name (default: 16M).")
    String headerBytes;

    @Option(names = "--max-entry-metadata", paramLabel = "BYTES",
            description = "All the metadata held for one entry: its headers, the global records, its sparse map at 16 bytes a run (default: 32M).")
    String entryBytes;

    @Option(names = "--max-path-length", paramLabel = "BYTES", description = "Longest path or link target (default: 1M).")
    String pathBytes;

    @Option(names = "--max-path-depth", paramLabel = "N", description = "Most levels in a path (default: 65536).")
    String pathDepth;

    @Option(names = "--max-sparse-runs", paramLabel = "N", description = "Most data runs in one sparse file's map (default: 1M).")
    String sparseRuns;

    /** The limits given, the defaults for the rest; a value that is not a size is a usage error. */
    ReadLimits limits() {
        ReadLimits l = ReadLimits.DEFAULTS;
        l = apply(l, Limit.HEADER_BYTES, headerBytes);
        l = apply(l, Limit.ENTRY_BYTES, entryBytes);
        l = apply(l, Limit.PATH_BYTES, pathBytes);
        l = apply(l, Limit.PATH_DEPTH, pathDepth);
        return apply(l, Limit.SPARSE_RUNS, sparseRuns);
    }

    /** The option that raises a limit, for the line that says an archive passed it. */
    static String optionFor(Limit limit) {
        return switch (limit) {
            case HEADER_BYTES -> "--max-header-size";
            case ENTRY_BYTES -> "--max-entry-metadata";
            case PATH_BYTES -> "--max-path-length";
            case PATH_DEPTH -> "--max-path-depth";
            case SPARSE_RUNS -> "--max-sparse-runs";
        };
    }

    private static ReadLimits apply(ReadLimits l, Limit which, String value) {
        if (value == null) return l;
        long v = parseSize(value, optionFor(which));
        try {
            return l.with(which, v);
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(optionFor(which) + " " + value + ": " + e.getMessage());
        }
    }

    /** "4096", "64K", "16M", "2G" (powers of 1024). */
    static long parseSize(String s, String option) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        int shift = 0;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                default -> { }
            }
        }
        if (shift > 0) t = t.substring(0, t.length() - 1);
        try {
            long v = Long.parseLong(t);
            if (v < 1 || v > (Long.MAX_VALUE >> shift)) throw new NumberFormatException();
            return v << shift;
        } catch (NumberFormatException e) {
            throw new ExitCodes.UsageException(option + ": '" + s + "' is not a positive number (a K, M or G suffix is allowed)");
        }
    }
}
