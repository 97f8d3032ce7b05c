package org.linkrescue.migrate.sink;

import java.util.ArrayList;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.stream.Problems;

/** Keeps every report so a test can assert on grade, path and wording. */
final class RecordingProblems implements Problems {
    record Report(Grade grade, String path, String what) {
        @Override public String toString() { return grade + " " + path + ": " + what; }
    }

    /** Synchronized: a disk sink's data threads report too. */
    final List<Report> reports = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void report(Grade grade, byte[] path, String what) {
        reports.add(new Report(grade, path == null ? null : Names.latin1(path), what));
    }

    List<Report> of(Grade grade) {
        return reports.stream().filter(r -> r.grade() == grade).toList();
    }

    /** The single report for path, failing the test when there is not exactly one. */
    Report only(String path) {
        List<Report> r = reports.stream().filter(x -> path.equals(x.path())).toList();
        if (r.size() != 1) throw new AssertionError("expected one report for " + path + ", got " + reports);
        return r.get(0);
    }

    @Override public String toString() { return reports.toString(); }
}
