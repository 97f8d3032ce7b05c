package org.linkrescue.cli;

import java.util.ArrayList;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.rescue.Alternate;
import picocli.CommandLine.Option;

/** --alternate, declared once: for the rescue (migrate, archive) and for --cross-check (scan, verify). */
final class AlternateOption {
    @Option(names = "--alternate", paramLabel = "mirror=DIR|original=DIR",
            description = "Where good copies may come from; repeatable, tried in order. mirror: a copy of the backup tree (same snapshot layout); original: the live data.")
    List<String> specs = new ArrayList<>();

    /** The alternates; a wrong one is a usage error. */
    List<Alternate> parse() {
        List<Alternate> out = new ArrayList<>();
        try {
            for (String a : specs) out.add(checked(Alternate.parse(a)));
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
        return out;
    }

    /** An alternate is an existing directory (a mirror that is a file was taken silently, then never used). */
    static Alternate checked(Alternate a) {
        Preflight.directory("--alternate " + a.kind().word(), Names.latin1(a.dir()));
        return a;
    }
}
