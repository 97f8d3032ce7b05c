package org.linkrescue.migrate.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.stream.Problems;

/**
 * The run's error policy: prints one line per problem ("linkrescue: FAILED a/b: open: EACCES
 * (Permission denied)"), counts them by grade and keeps them for the report. FATAL problems are
 * counted and kept but not printed: they are thrown too, and the command prints that one line. Thread-safe: the
 * reading and the writing side of a run report concurrently.
 */
public final class ProblemLog implements Problems {
    /** Problems kept for the JSON report; beyond this only counts grow (a dying drive may fail millions). */
    public static final int KEPT = 100_000;

    /** One problem as reported. */
    public record Problem(Grade grade, byte[] path, String what) {
        public String line() {
            return "linkrescue: " + grade + " " + (path == null ? "" : Names.display(path) + ": ") + what;
        }

        // by content: a path is compared byte for byte
        @Override public boolean equals(Object o) {
            return o instanceof Problem q && q.grade == grade && Arrays.equals(q.path, path) && q.what.equals(what);
        }

        @Override public int hashCode() { return (grade.hashCode() * 31 + Arrays.hashCode(path)) * 31 + what.hashCode(); }
    }

    /** Lets a progress line get out of the way of a problem line on the same terminal. */
    public interface LineGuard {
        void beforeLine();
        void afterLine();
    }

    private final PrintStream err;
    private final List<Problem> kept = new ArrayList<>();
    private final long[] counts = new long[Grade.values().length];
    private volatile LineGuard guard;
    private volatile Consumer<Problem> tap;
    /** Problems a resumed rescue's earlier runs met: met again, they are not reported twice. */
    private final Set<Problem> earlier = new HashSet<>();

    public ProblemLog(PrintStream err) {
        this.err = err;
    }

    public void setLineGuard(LineGuard g) { guard = g; }

    /** Hands every problem reported from now on to t as well (the rescue map records them). */
    public void tap(Consumer<Problem> t) { tap = t; }

    /**
     * Problems the earlier runs of a resumed rescue met: counted and kept for the report, not
     * printed again; a run that meets one of them again (in flight when the run before stopped)
     * does not count it twice.
     */
    public synchronized void resume(List<Problem> problems) {
        for (Problem p : problems) {
            counts[p.grade().ordinal()]++;
            if (kept.size() < KEPT) kept.add(p);
            earlier.add(p);
        }
    }

    @Override
    public synchronized void report(Grade grade, byte[] path, String what) {
        Problem p = new Problem(grade, path == null ? null : path.clone(), what);
        if (!earlier.isEmpty() && earlier.remove(p)) return;
        counts[grade.ordinal()]++;
        Consumer<Problem> t = tap;
        if (t != null) t.accept(p);
        if (kept.size() < KEPT) kept.add(p);
        // A FATAL problem is also thrown, and whoever ends the run prints it: one line, not two.
        if (grade == Grade.FATAL) return;
        LineGuard g = guard;
        if (g != null) g.beforeLine();
        err.println(p.line());
        if (g != null) g.afterLine();
    }

    public synchronized long count(Grade g) { return counts[g.ordinal()]; }

    /** FAILED and FATAL problems: the ones that mean something did not come through. */
    public synchronized long errors() { return counts[Grade.FAILED.ordinal()] + counts[Grade.FATAL.ordinal()]; }

    public synchronized long total() {
        long t = 0;
        for (long c : counts) t += c;
        return t;
    }

    public synchronized List<Problem> kept() { return Collections.unmodifiableList(new ArrayList<>(kept)); }
}
