package org.linkrescue.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.linkrescue.archive.ReadLimits;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.map.Checkpoints;
import org.linkrescue.migrate.map.MapHeader;
import org.linkrescue.migrate.map.MapState;
import org.linkrescue.migrate.pipeline.ArchiveFile;
import org.linkrescue.migrate.pipeline.Extraction;
import org.linkrescue.migrate.pipeline.Members;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.TarReader;
import org.linkrescue.migrate.sink.DiskSink;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "extract", mixinStandardHelpOptions = true,
        customSynopsis = "linkrescue extract [OPTIONS] -f FILE|- -C TARGET [MEMBER...]",
        header = "Extract a tar archive into TARGET, every hard link kept.",
        description = {"Reads ours, GNU tar's and bsdtar's (pax, gnu, ustar; plain, gzip, zstd, xz; compression",
                "found from the first bytes). Never writes outside TARGET. Entries the archive marks as",
                "damaged (bytes lost when it was made) are listed."},
        footer = {"", "Examples:",
                "  linkrescue extract -f backup.tar.zst -C /mnt/new-backup",
                "  zstd -dc backup.tar.zst | linkrescue extract -f - -C /mnt/new-backup",
                "  linkrescue extract -f backup.tar.zst -C restore 2024-01-02/home/notes 2024-01-03/photos",
                "", "Exit codes:",
                "  0  every entry extracted",
                "  3  finished, but some entry was refused or not made, or the archive marks it damaged,",
                "     or a MEMBER was not found in the archive",
                "     (listed on stderr and in --report)",
                "  1  fatal: the archive is bad or truncated, or TARGET is full or unwritable",
                ExitCodes.HELP_USAGE})
final class ExtractCommand implements Callable<Integer> {
    private final Console console;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE|-", description = "The archive; - for standard input.")
    String file;

    @Option(names = "-C", required = true, paramLabel = "TARGET", description = "Where to extract (created if missing; must be empty).")
    String target;

    @Option(names = "--allow-existing", description = "Extract into a TARGET that already holds files (never overwriting one, and leaving the mode, owner and mtime of the directories it holds, TARGET's own included).")
    boolean allowExisting;

    @Option(names = {"-p", "--same-permissions"}, description = "Every bit of each mode, setuid, setgid and sticky included, ignoring the umask (always so as root; otherwise, as GNU tar: umask applied, those bits dropped).")
    boolean samePermissions;

    @Parameters(paramLabel = "MEMBER", arity = "0..*",
            description = "Extract only these paths of the archive (a directory with everything below it), as tar does; none: all.")
    List<String> members = new ArrayList<>();

    @Mixin CommonOptions common = new CommonOptions();

    @Mixin ArchiveLimitsOptions limits = new ArchiveLimitsOptions();

    @Mixin MapOptions maps = new MapOptions();

    @Spec CommandSpec spec;

    ExtractCommand(Console console) { this.console = console; }

    @Override
    public Integer call() throws Exception {
        Args.notFromTerminal(file, console);
        common.check();
        ReadLimits readLimits = limits.limits();
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        boolean sameModes = samePermissions || Posix.isRoot();
        // The archive may come another way on resume (a pipe instead of the file): its entries are
        // checked instead (the resumed run's entry N must be the stopped run's last).
        MapHeader header = MapHeader.startingNow("extract", MapHeader.options(
                "target", MapRun.absolute(target), "allow-existing", Boolean.toString(allowExisting),
                "same-permissions", Boolean.toString(sameModes)),
                CommandText.of(args), CommandText.resume(args));
        try (Session s = new Session(console, common, "extract")) {
            s.report.place("archive", Args.display(file)).place("target", Args.display(target));
            return s.run(() -> {
                try (MapRun m = MapRun.forTarget(maps, target, header)) {
                    List<Object[]> damaged = new ArrayList<>();
                    MapState resumed = m.resumed();
                    if (resumed != null) for (MapState.Mark k : resumed.marks()) damaged.add(new Object[] {k.path(), k.provenance()});
                    Checkpoints[] cp = new Checkpoints[1];
                    Extraction.ProvenanceListener marked = (path, p) -> {
                        if (p.damaged()) {
                            s.problems.report(Grade.WARN, path, "the archive marks this file as damaged: "
                                    + lostBytes(p) + " bytes were lost when it was made (zero-filled)");
                        }
                        damaged.add(new Object[] {path, p});
                        if (cp[0] != null) cp[0].marked(path, p);
                    };
                    Extraction extraction = new Extraction(s.problems, s.totals, ProvenanceRecords::parse, readLimits).stopWith(s.stop);
                    if (!members.isEmpty()) extraction.members(selection(readLimits));
                    if (resumed != null) extraction.resumeAfter(resumed.entries(), resumed.last());
                    // An uncompressed archive file is read by offset (its data copied kernel-side);
                    // anything else (compressed, a pipe, unreadable) as a stream, as before.
                    ArchiveFile plain = Args.openPlainArchive(file, console);
                    DiskSink[] disk = new DiskSink[1];
                    try {
                        if (plain != null) {
                            try (plain) { // closed by run; here too if the target cannot be opened
                                extraction.run(plain, sink(s, m, sameModes, disk, cp), marked);
                            }
                        } else {
                            try (var in = Args.openInput(file, console)) {
                                extraction.run(in, sink(s, m, sameModes, disk, cp), marked);
                            }
                        }
                    } catch (IOException e) {
                        markedEntries(s, damaged);
                        return m.stopped(s, e);
                    }
                    // The summary names what is in TARGET, not what was refused: what this run made, and
                    // what the runs before it (resumed) finished.
                    DiskSink.Counts made = disk[0].counts();
                    MapState.Totals before = resumed == null ? MapState.Totals.ZERO : resumed.totals();
                    s.totals.made(before.files() + made.files(), before.hardLinks() + made.links() + made.linkCopies(),
                            before.dirs() + made.dirs(), before.symlinks() + made.symlinks(), before.specials() + made.specials(),
                            before.bytes() + made.bytes());
                    markedEntries(s, damaged);
                    // Also those a stopped run met (their late records are not read again): exit 3.
                    return s.finish(damaged.stream().anyMatch(d -> ((Provenance) d[1]).damaged()));
                }
            });
        }
    }

    /**
     * The members asked for. From an archive file, its headers are read once first, so a hard
     * link asked for whose first path was not asked for still gets its bytes; a pipe cannot be
     * read twice (such a link is then reported, as tar does).
     */
    private Members selection(ReadLimits readLimits) throws IOException {
        List<byte[]> names = new ArrayList<>();
        for (String m : members) names.add(Args.bytes(m));
        Members m = Members.of(names);
        if (Args.isStdio(file)) return m;
        ArchiveFile plain = ArchiveFile.openIfPlain(Args.bytes(file));
        if (plain != null) {
            m.plan(plain, readLimits);
        } else {
            try (InputStream in = Compression.decompressDetected(new BufferedInputStream(Args.openInput(file, console), 1 << 16))) {
                m.plan(new TarReader(in, readLimits));
            }
        }
        return m;
    }

    private static void markedEntries(Session s, List<Object[]> damaged) {
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
    }

    /**
     * The target, made (or, resuming, taken over with what the stopped run left) and its rescue
     * map made, checkpointed in archive order.
     */
    private EntrySink sink(Session s, MapRun m, boolean sameModes, DiskSink[] made, Checkpoints[] cp) throws IOException {
        DiskSink disk = DiskSink.open(Args.bytes(target), DiskSink.Options.defaults().withAllowExisting(allowExisting || m.resuming())
                .withSameModes(sameModes), s.problems).allowLinksToNonRegular().stopWith(s.stop);
        made[0] = disk;
        try {
            m.create();
            if (m.map() == null) return disk;
            m.map().resume(disk);
            m.map().resume(s.totals, s.problems, null);
        } catch (IOException | RuntimeException e) {
            disk.close();
            throw e;
        }
        EntrySink run = m.checkpointed(disk, disk, Checkpoints.Order.STREAM, s);
        cp[0] = m.checkpoints();
        disk.ledger(cp[0]).onFinishing(cp[0]);
        return run;
    }

    private static long lostBytes(Provenance p) {
        long n = 0;
        for (Provenance.Range r : p.ranges()) if (r.origin().equals("zero")) n += r.length();
        return n;
    }
}
