package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.rescue.DamagedInodeRecord;
import org.linkrescue.migrate.rescue.RescueContentSource;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.rescue.RescueReport;
import org.linkrescue.migrate.scan.LinkTable;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * A read test of SOURCE: every inode's data read once (its first path), through the rescue
 * reader, into nothing. An inode is damaged when a byte of it cannot be read or it cannot be
 * opened. No candidate is looked at here (no alternates), so the test costs one read of the
 * drive; the repair reads only the damaged inodes again.
 */
public final class ReadTestFinder implements DamageFinder {
    private final RescueOptions options;
    private final BlockReader reader;
    private final Problems problems;

    public ReadTestFinder(RescueOptions options, Problems problems) { this(options, BlockReader.REAL, problems); }

    /** With a fault seam between the reader and the drive: unit tests only. */
    public ReadTestFinder(RescueOptions options, BlockReader reader, Problems problems) {
        this.options = options.withAlternates(List.of());
        this.reader = reader;
        this.problems = problems;
    }

    @Override
    public Set<Long> damagedInodes(byte[] sourceRoot) throws IOException {
        RescueReport report = new RescueReport();
        LinkTable links = new LinkTable();
        try (RescueContentSource src = new RescueContentSource(options, (g, p, w) -> {}, report, reader)) {
            new TreeScanner(problems).walk(sourceRoot, p -> {
                if (!p.stat().isRegular() || p.stat().size() == 0) return;
                if (links.link(p.stat().devId(), p.stat().ino(), p.stat().nlink(), p.path()) != null) return;
                try (Content c = src.open(p.path(), p.parentFd(), p.name(), p.stat())) {
                    c.feed((buf, off, len) -> {});
                } catch (IOException e) {
                    // Not even opened: the rescue recorded it as damaged (left out), or it changed
                    // under the scan; either way the repair's own scan looks at it again.
                }
            });
        }
        Set<Long> out = new TreeSet<>();
        for (DamagedInodeRecord r : report.records()) {
            out.add(r.ino());
            problems.report(Grade.WARN, r.paths().get(0), "damaged: inode " + r.ino() + ", "
                    + (r.leftOut() ? "cannot be opened" : r.bytesLost() + " unreadable byte(s) " + r.badRanges())
                    + " (" + Names.display(r.paths().get(0)) + " is its first path)");
        }
        return out;
    }
}
