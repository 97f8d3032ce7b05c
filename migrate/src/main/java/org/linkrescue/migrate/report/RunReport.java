package org.linkrescue.migrate.report;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.linkrescue.migrate.stream.Json;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * The {@code --report FILE} JSON of archive, migrate and extract: what ran, on what, the totals,
 * every problem (up to {@link ProblemLog#KEPT}), and sections other stages add (the rescue
 * report, damaged entries an archive carried). Paths are written with {@code Names.display}.
 */
public final class RunReport {
    /** A named part of the report written by the stage that owns its content. */
    public interface Section {
        void write(Json json) throws IOException;
    }

    private final String command;
    private final List<String[]> places = new ArrayList<>();
    private final List<Object[]> sections = new ArrayList<>();
    private final List<Object[]> rawSections = new ArrayList<>();

    /** A part of the report another stage writes as one complete JSON value of its own. */
    public interface RawSection {
        void write(Writer w) throws IOException;
    }

    public RunReport(String command) { this.command = command; }

    /** E.g. ("source", displayPath). */
    public RunReport place(String key, String displayPath) {
        places.add(new String[] {key, displayPath});
        return this;
    }

    public RunReport section(String name, Section s) {
        sections.add(new Object[] {name, s});
        return this;
    }

    /** Adds a section written by its owner straight to the writer (after every other field). */
    public RunReport rawSection(String name, RawSection s) {
        rawSections.add(new Object[] {name, s});
        return this;
    }

    public void write(Writer w, Outcome outcome, int exitCode, RunTotals t, ProblemLog p) throws IOException {
        Json j = new Json(w);
        j.beginObject();
        j.field("command", command);
        for (String[] pl : places) j.field(pl[0], pl[1]);
        j.field("outcome", outcome.name().toLowerCase(Locale.ROOT));
        j.field("exitCode", exitCode);
        j.name("totals").beginObject()
                .field("paths", t.paths())
                .field("files", t.files())
                .field("hardLinks", t.hardLinks())
                .field("dirs", t.dirs())
                .field("symlinks", t.symlinks())
                .field("specials", t.specials())
                .field("bytes", t.bytes())
                .field("inodesRead", t.inodesRead())
                .field("damagedInodes", t.damagedInodes())
                .field("elapsedMillis", t.elapsedNanos() / 1_000_000)
                .endObject();
        Counts.of(t).write(j);
        j.name("problemCounts").beginObject();
        for (Grade g : Grade.values()) j.field(g.name(), p.count(g));
        j.endObject();
        List<ProblemLog.Problem> kept = p.kept();
        j.field("problemsTruncated", kept.size() < p.total());
        j.name("problems").beginArray();
        for (ProblemLog.Problem pr : kept) {
            j.beginObject().field("grade", pr.grade().name()).pathField("path", pr.path()).field("what", pr.what()).endObject();
        }
        j.endArray();
        for (Object[] s : sections) {
            j.name((String) s[0]);
            ((Section) s[1]).write(j);
        }
        j.flush();
        for (Object[] s : rawSections) {
            w.write(",\"" + s[0] + "\":");
            ((RawSection) s[1]).write(w);
        }
        w.write("}\n");
        w.flush();
    }
}
