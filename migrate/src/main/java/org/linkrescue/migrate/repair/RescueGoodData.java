package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.rescue.DamagedInodeRecord;
import org.linkrescue.migrate.rescue.RescueContentSource;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.rescue.RescueReport;
import org.linkrescue.migrate.rescue.Verdict;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/**
 * The good data of a damaged inode as the rescue finds it: the inode is read through the
 * failing drive once, from its first path, and the rescue's candidates (same rules as
 * `rescue`: size, every readable byte, mtime) fill the bad ranges. Whether a candidate fits is
 * only known once the content has been read; a content with lost bytes is refused by the
 * repair, and the rescue's verdicts become the report's notes.
 *
 * Candidates are looked for from the first path only (the rescue's rule for one inode): in a
 * snapshot farm every path of an inode ends in the same rest R, so the mirror's S'/R
 * candidates are the same for all of them.
 */
public final class RescueGoodData implements GoodDataSource {
    private final RescueOptions options;
    private final BlockReader reader;

    public RescueGoodData(RescueOptions options) { this(options, BlockReader.REAL); }

    /** With a fault seam between the reader and the drive: unit tests only. */
    public RescueGoodData(RescueOptions options, BlockReader reader) {
        this.options = options;
        this.reader = reader;
    }

    @Override
    public GoodData locate(int rootFd, DamagedInode d) throws IOException {
        RescueReport report = new RescueReport();
        List<String> said = new ArrayList<>();
        // The rescue's own problem lines speak of zero-filling and archives; the repair states
        // its outcome itself, so they become notes.
        RescueContentSource src = new RescueContentSource(options, (g, p, what) -> said.add(what), report, reader);
        byte[] first = d.paths().get(0);
        try (ParentDir pd = ParentDir.open(rootFd, first)) {
            Content c = src.open(first, pd.fd(), pd.name(), d.stat());
            return new Found(new Closing(c, src), report, d, said);
        } catch (IOException e) {
            src.close();
            return new GoodData.Unavailable("cannot be opened and no copy stands in: " + e.getMessage(),
                    notes(report, d, said));
        }
    }

    static List<String> notes(RescueReport report, DamagedInode d, List<String> said) {
        DamagedInodeRecord r = report.record(d.stat().devId(), d.ino());
        if (r == null) return List.copyOf(said);
        List<String> out = new ArrayList<>();
        if (!r.badRanges().isEmpty()) {
            StringBuilder b = new StringBuilder("unreadable bytes:");
            for (ByteRange x : r.badRanges()) b.append(' ').append(x);
            out.add(b.toString());
        }
        out.addAll(r.errors());
        for (Verdict v : r.candidates()) {
            out.add("candidate " + v.candidate() + ": " + (v.accepted() ? "accepted" : "rejected")
                    + (v.reason().isEmpty() ? "" : ": " + v.reason()));
        }
        if (r.candidates().isEmpty() && !r.badRanges().isEmpty()) out.add("no candidate exists in any alternate");
        return out;
    }

    /** A rescue content whose source and notes are read off the rescue's record once consumed. */
    private record Found(Content content, RescueReport report, DamagedInode d, List<String> said)
            implements GoodData.Available {
        @Override public String source() {
            for (Provenance.Range r : content.provenance().ranges()) {
                if (!r.origin().equals("source") && !r.origin().equals("zero")) {
                    return Names.display(Names.bytes(r.origin()));
                }
            }
            return "source (every byte read from the drive this time)";
        }

        @Override public List<String> notes() { return RescueGoodData.notes(report, d, said); }
    }

    /** Closes the per-inode rescue source (its read workers) with the content. */
    private record Closing(Content inner, RescueContentSource src) implements Content {
        @Override public long size() { return inner.size(); }
        @Override public void feed(Chunks out) throws IOException { inner.feed(out); }
        @Override public Provenance provenance() { return inner.provenance(); }

        @Override public void close() throws IOException {
            try {
                inner.close();
            } finally {
                src.close();
            }
        }
    }
}
