package org.linkrescue.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.linkrescue.migrate.map.MapHeader;
import org.linkrescue.migrate.scan.Exclusions;
import picocli.CommandLine.Option;

/** --exclude and --exclude-from, for every command that walks a tree (migrate, archive, scan, verify). */
final class ExcludeOptions {
    @Option(names = "--exclude", paramLabel = "PATTERN",
            description = "Leave out paths matching PATTERN, as GNU tar's --exclude: a shell wildcard matched against the whole path or its part after any '/' ('*' matches '/' too); a directory goes with everything below it. Repeatable.")
    List<String> patterns = new ArrayList<>();

    @Option(names = "--exclude-from", paramLabel = "FILE",
            description = "Read --exclude patterns from FILE, one per line (as tar -X: trailing blanks removed, empty lines skipped). Repeatable.")
    List<String> files = new ArrayList<>();

    /** The options a rescue map records (they shape what is written): a resume must give the same. */
    void shape(List<MapHeader.Option> options) {
        for (String p : patterns) options.add(new MapHeader.Option("exclude", p));
        for (String f : files) options.add(new MapHeader.Option("exclude-from",
                Path.of(f).toAbsolutePath().normalize().toString()));
    }

    /** The patterns; an --exclude-from file that cannot be read is a usage error, before anything is read. */
    Exclusions exclusions() {
        List<byte[]> all = new ArrayList<>();
        for (String p : patterns) all.add(Args.bytes(p));
        for (String f : files) {
            Preflight.inputFile("--exclude-from", f);
            try {
                all.addAll(Exclusions.lines(Files.readAllBytes(Path.of(f))));
            } catch (IOException e) {
                throw new ExitCodes.UsageException("cannot read --exclude-from '" + Args.display(f) + "': " + Args.why(e));
            }
        }
        return Exclusions.of(all);
    }
}
