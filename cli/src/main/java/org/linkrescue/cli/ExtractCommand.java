package org.linkrescue.cli;

import java.util.ArrayList;
import java.util.List;
import org.linkrescue.migrate.pipeline.ArchiveFile;
import org.linkrescue.migrate.pipeline.Extraction;
import org.linkrescue.migrate.sink.DiskSink;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "extract", mixinStandardHelpOptions = true,
        description = {"Extract a tar archive into TARGET, every hard link kept.",
                "Reads ours, GNU tar's and bsdtar's (pax, gnu, ustar; plain, gzip, zstd, xz;",
                "compression found from the first bytes). Never writes outside TARGET.",
                "Entries the archive marks as damaged (bytes lost when it was made) are listed."})
final class ExtractCommand implements java.util.concurrent.Callable<Integer> {
    private final Console console;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE|-", description = "The archive; - for standard input.")
    String file;

    @Option(names = "-C", required = true, paramLabel = "TARGET", description = "Where to extract (created if missing; must be empty).")
    String target;

    @Option(names = "--allow-existing", description = "Extract into a TARGET that already holds files (never overwriting one).")
    boolean allowExisting;

    @Mixin CommonOptions common = new CommonOptions();

    @Mixin ArchiveLimitsOptions limits = new ArchiveLimitsOptions();

    ExtractCommand(Console console) { this.console = console; }

    @Override
    public Integer call() throws Exception {
        org.linkrescue.archive.ReadLimits readLimits = limits.limits();
        try (Session s = new Session(console, common, "extract")) {
            s.report.place("archive", Args.display(file)).place("target", Args.display(target));
            List<Object[]> damaged = new ArrayList<>();
            Extraction.ProvenanceListener marked = (path, p) -> {
                if (p.damaged()) {
                    s.problems.report(Grade.WARN, path, "the archive marks this file as damaged: "
                            + lostBytes(p) + " bytes were lost when it was made (zero-filled)");
                }
                damaged.add(new Object[] {path, p});
            };
            Extraction extraction = new Extraction(s.problems, s.totals, ProvenanceRecords::parse, readLimits);
            // An uncompressed archive file is read by offset (its data copied kernel-side);
            // anything else (compressed, a pipe, unreadable) as a stream, as before.
            ArchiveFile plain = Args.openPlainArchive(file, console);
            if (plain != null) {
                try (plain) { // closed by run; here too if the target cannot be opened
                    extraction.run(plain, sink(s), marked);
                }
            } else {
                try (var in = Args.openInput(file, console)) {
                    extraction.run(in, sink(s), marked);
                }
            }
            s.report.section("markedEntries", j -> {
                j.beginArray();
                for (Object[] d : damaged) {
                    Provenance p = (Provenance) d[1];
                    j.beginObject().pathField("path", (byte[]) d[0]).field("damaged", p.damaged());
                    j.name("ranges").beginArray();
                    for (Provenance.Range r : p.ranges())
                        j.beginObject().field("offset", r.offset()).field("length", r.length()).field("origin", r.origin()).endObject();
                    j.endArray().endObject();
                }
                j.endArray();
            });
            return s.finish(false);
        }
    }

    private DiskSink sink(Session s) throws java.io.IOException {
        return DiskSink.open(Args.bytes(target),
                DiskSink.Options.defaults().withAllowExisting(allowExisting), s.problems).allowLinksToNonRegular();
    }

    private static long lostBytes(Provenance p) {
        long n = 0;
        for (Provenance.Range r : p.ranges()) if (r.origin().equals("zero")) n += r.length();
        return n;
    }
}
