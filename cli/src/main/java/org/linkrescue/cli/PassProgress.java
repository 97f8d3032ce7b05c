package org.linkrescue.cli;

import java.util.Locale;
import org.linkrescue.migrate.report.Summary;
import org.linkrescue.migrate.rescue.LaterPasses;
import org.linkrescue.migrate.rescue.Pass;
import org.linkrescue.migrate.rescue.RescueContentSource;
import org.linkrescue.migrate.rescue.RescueReport;

/**
 * What the progress line says of a rescue in passes, as ddrescue says it: the pass, the bytes
 * still untried and found bad, and the time since the drive last gave a byte. Nothing while the
 * first pass has met no damage.
 */
final class PassProgress {
    private final RescueContentSource source;

    PassProgress(RescueContentSource source) { this.source = source; }

    /** The rescue's part of the line, or null when there is nothing to say. */
    String line() {
        LaterPasses passes = source.passes();
        if (passes == null) return null;
        RescueReport report = source.report();
        long untried = report.untriedBytes(), bad = report.badBytes();
        Pass p = passes.current();
        if (p == Pass.COPY && untried == 0 && bad == 0) return null;
        StringBuilder sb = new StringBuilder("pass ").append(p.number).append(' ').append(p.word);
        if (p != Pass.COPY) sb.append(String.format(Locale.ROOT, " (file %,d of %,d)", passes.inodesDone() + 1L, (long) passes.inodesInPass()));
        sb.append(": ").append(Summary.bytes(untried)).append(" untried, ").append(Summary.bytes(bad)).append(" bad");
        long since = (System.nanoTime() - source.lastGoodRead()) / 1_000_000_000L;
        sb.append(String.format(Locale.ROOT, ", last good read %d:%02d ago", since / 60, since % 60));
        return sb.toString();
    }
}
