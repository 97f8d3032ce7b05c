package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.repair.InodeOutcome.Status;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * One `repair` run, top to bottom: complete a killed run's journal; find the damaged inodes;
 * collect their paths in one scan; for each, find good data and repair it (or, dry, say what
 * would be done). The journal is created before the first change and removed when the run
 * ends normally; a run that dies leaves it for the next one.
 */
public final class Repair {
    private final RepairOptions opts;
    private final DamageFinder finder;
    private final GoodDataSource goodData;
    private final Problems problems;
    private final PrintStream out;
    private final LinkOps ops;

    public Repair(RepairOptions opts, DamageFinder finder, GoodDataSource goodData, Problems problems, PrintStream out) {
        this(opts, finder, goodData, problems, out, LinkOps.POSIX);
    }

    /** With a {@link LinkOps} seam: tests only. */
    public Repair(RepairOptions opts, DamageFinder finder, GoodDataSource goodData, Problems problems, PrintStream out,
                  LinkOps ops) {
        this.opts = opts;
        this.finder = finder;
        this.goodData = goodData;
        this.problems = problems;
        this.out = out;
        this.ops = ops;
    }

    /**
     * @throws IOException a fatal error: SOURCE cannot be opened, the journal cannot be written
     *                     or belongs to another tree. Whatever was begun is in the journal.
     */
    public RepairResult run() throws IOException {
        byte[] source = opts.source();
        int rootFd = Posix.openat(Posix.AT_FDCWD, source, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        try {
            Stat root = Posix.fstat(rootFd);
            long dev = root.devId();
            byte[] journalFile = opts.journalFile();

            List<ResumedInode> resumed = List.of();
            if (Journal.exists(journalFile)) {
                resumed = resume(rootFd, root, journalFile);
            }

            Set<Long> damaged = finder.damagedInodes(source);
            List<DamagedInode> inodes = new ArrayList<>();
            Set<Long> found = new HashSet<>();
            for (DamagedInode d : damaged.isEmpty() ? List.<DamagedInode>of() : new PathCollector(problems).collect(source, damaged)) {
                String mismatch = finder.mismatch(d.stat());
                if (mismatch != null) {
                    problems.report(Grade.WARN, d.paths().get(0), "inode " + d.ino() + " is not the damaged inode of that number: "
                            + mismatch + "; left alone");
                    continue;
                }
                inodes.add(d);
                found.add(d.ino());
            }
            List<Long> notFound = new ArrayList<>();
            for (long ino : damaged) {
                if (!found.contains(ino)) notFound.add(ino);
            }
            notFound.sort(null);
            for (long ino : notFound) {
                problems.report(Grade.WARN, null, "damaged inode " + ino + ": no path under SOURCE names it (repaired before, or gone)");
            }

            List<InodeOutcome> outcomes = new ArrayList<>();
            Journal journal = null;
            InodeRepairer repairer = new InodeRepairer(ops);
            try {
                for (DamagedInode d : inodes) {
                    InodeOutcome o;
                    if (d.linksOutsideSource() > 0 && !opts.allowPartial()) {
                        o = InodeOutcome.leftAsIs(Status.LINKS_OUTSIDE_SOURCE, d, "nlink " + d.stat().nlink()
                                + " but " + d.paths().size() + " path(s) under SOURCE: its other links are outside SOURCE;"
                                + " left as it is (--allow-partial repairs the paths under SOURCE only)", List.of());
                    } else {
                        GoodData good;
                        try {
                            good = goodData.locate(rootFd, d);
                        } catch (IOException e) {
                            good = new GoodData.Unavailable("cannot be examined: " + e.getMessage(), List.of());
                        }
                        if (good instanceof GoodData.Unavailable u) {
                            o = InodeOutcome.leftAsIs(Status.NO_CANDIDATE, d, u.reason(), u.notes());
                        } else {
                            GoodData.Available a = (GoodData.Available) good;
                            if (opts.dryRun()) {
                                o = dryRun(d, a);
                            } else {
                                if (journal == null) journal = Journal.create(journalFile, dev, root.ino());
                                o = repairer.repair(rootFd, dev, d, a, journal);
                            }
                        }
                    }
                    outcomes.add(o);
                    print(o);
                    if (!o.status().complete()) {
                        problems.report(o.status() == Status.PARTIAL ? Grade.WARN : Grade.FAILED, d.paths().get(0),
                                "inode " + d.ino() + " " + statusWord(o.status()) + ": " + o.reason());
                    }
                }
            } finally {
                if (journal != null) journal.close();
            }
            // Only a run that got here kept every promise the journal made.
            if (journal != null) Journal.removeFile(journalFile, journal.dirTimes());
            RepairResult r = new RepairResult(opts.dryRun(), resumed, outcomes, notFound);
            summary(r);
            return r;
        } finally {
            Posix.close(rootFd);
        }
    }

    /** Reads the good data as a repair would, and keeps nothing: the plan, with its hash. */
    private static InodeOutcome dryRun(DamagedInode d, GoodData.Available a) throws IOException {
        try (Content c = a.content()) {
            NewInodeWriter.Written w = NewInodeWriter.consumeOnly(c, d.stat().size());
            return new InodeOutcome(Status.PLANNED, d, -1, List.of(), List.of(), a.source(), w.provenance(), w.sha256(),
                    List.of(), null, a.notes());
        } catch (NewInodeWriter.LostBytesException e) {
            return InodeOutcome.leftAsIs(Status.NO_CANDIDATE, d, "no acceptable good copy: " + e.getMessage()
                    + "; left as it is", a.notes());
        } catch (IOException e) {
            return InodeOutcome.leftAsIs(Status.FAILED, d, "cannot be read: " + e.getMessage(), a.notes());
        }
    }

    private List<ResumedInode> resume(int rootFd, Stat root, byte[] journalFile) throws IOException {
        Journal.Contents c = Journal.read(journalFile);
        if (c.sourceDev() != root.devId() || c.sourceIno() != root.ino()) {
            throw new Journal.JournalException(journalFile, 2, "belongs to another tree than "
                    + Names.display(opts.source()));
        }
        List<ResumedInode> resumed;
        if (opts.dryRun()) {
            resumed = new JournalResumer(ops).resume(rootFd, root.devId(), c, null, true);
        } else {
            try (Journal j = Journal.reopen(journalFile)) {
                resumed = new JournalResumer(ops).resume(rootFd, root.devId(), c, j, false);
            }
            Journal.removeFile(journalFile, c.jdirTimes());
        }
        for (ResumedInode r : resumed) {
            out.println((opts.dryRun() ? "journal of a killed run: inode " : "resumed inode ") + r.oldIno() + ": " + r.action());
            for (Stayed s : r.stayed()) out.println("  stays on the old inode: " + Names.display(s.path()) + ": " + s.reason());
            if (!r.complete()) {
                problems.report(Grade.WARN, null, "inode " + r.oldIno() + ": " + r.stayed().size()
                        + " path(s) stay on the old inode after completing the killed run");
            }
        }
        return resumed;
    }

    private void print(InodeOutcome o) {
        DamagedInode d = o.inode();
        String head = "inode " + d.ino() + " (" + d.stat().size() + " bytes, " + d.paths().size() + " path(s), nlink "
                + d.stat().nlink() + "): ";
        switch (o.status()) {
            case PLANNED -> {
                out.println(head + "would write a new inode from " + o.goodSource() + " and move every path to it:");
                for (byte[] p : d.paths()) out.println("  " + Names.display(p));
            }
            case REPAIRED, PARTIAL -> {
                out.println(head + statusWord(o.status()) + " as inode " + o.newIno() + " from " + o.goodSource()
                        + ", sha256 " + o.sha256());
                for (Stayed s : o.stayed()) out.println("  stays on the old inode: " + Names.display(s.path()) + ": " + s.reason());
                for (String x : o.xattrsNotCopied()) out.println("  xattr not copied: " + x);
            }
            default -> out.println(head + statusWord(o.status()) + ": " + o.reason());
        }
    }

    private void summary(RepairResult r) {
        out.println((r.dryRun() ? "dry run, nothing changed: " : "") + r.inodes().size() + " damaged inode(s): "
                + (r.dryRun() ? r.count(Status.PLANNED) + " would be repaired, " : r.count(Status.REPAIRED) + " repaired, ")
                + r.count(Status.PARTIAL) + " partly, "
                + (r.count(Status.NO_CANDIDATE) + r.count(Status.LINKS_OUTSIDE_SOURCE) + r.count(Status.FAILED))
                + " left as they are");
    }

    static String statusWord(Status s) {
        return switch (s) {
            case REPAIRED -> "repaired";
            case PLANNED -> "planned";
            case PARTIAL -> "partly repaired";
            case NO_CANDIDATE -> "no acceptable good copy";
            case LINKS_OUTSIDE_SOURCE -> "links outside SOURCE";
            case FAILED -> "not repaired";
        };
    }
}
