package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.linkrescue.migrate.repair.InodeOutcome.Status;
import org.linkrescue.migrate.stream.Json;
import org.linkrescue.migrate.stream.Provenance;

/**
 * Writes a {@link RepairResult} as JSON (format in the README and in this package's doc):
 * per inode its old and new inode numbers, every path, the paths moved and those that stayed
 * (with reasons), the source of the good data and of every byte range, and the SHA-256 of
 * what was written.
 */
public final class RepairReport {
    private RepairReport() {}

    public static void write(Writer w, byte[] source, RepairResult r) throws IOException {
        Json j = new Json(w);
        j.beginObject();
        j.field("command", "repair").pathField("source", source).field("dryRun", r.dryRun());
        j.name("resumed").beginArray();
        for (ResumedInode x : r.resumed()) {
            j.beginObject().field("oldIno", x.oldIno()).field("newIno", x.newIno()).field("action", x.action());
            paths(j, "paths", x.paths());
            paths(j, "movedNow", x.moved());
            paths(j, "movedBefore", x.already());
            stayed(j, x.stayed());
            j.endObject();
        }
        j.endArray();
        j.name("inodes").beginArray();
        for (InodeOutcome o : r.inodes()) inode(j, o);
        j.endArray();
        j.name("notFound").beginArray();
        for (long ino : r.notFound()) j.value(ino);
        j.endArray();
        j.name("totals").beginObject()
                .field("damaged", r.inodes().size())
                .field("repaired", r.count(Status.REPAIRED))
                .field("planned", r.count(Status.PLANNED))
                .field("partial", r.count(Status.PARTIAL))
                .field("noCandidate", r.count(Status.NO_CANDIDATE))
                .field("linksOutsideSource", r.count(Status.LINKS_OUTSIDE_SOURCE))
                .field("failed", r.count(Status.FAILED))
                .field("pathsMoved", r.inodes().stream().mapToLong(o -> o.moved().size()).sum())
                .field("allRepaired", r.allRepaired())
                .endObject();
        j.endObject();
        w.write('\n');
        j.flush();
    }

    private static void inode(Json j, InodeOutcome o) throws IOException {
        DamagedInode d = o.inode();
        j.beginObject()
                .field("status", jsonStatus(o.status()))
                .field("oldIno", d.ino())
                .field("newIno", o.newIno())
                .field("nlink", d.stat().nlink())
                .field("size", d.stat().size())
                .field("mtime", d.stat().mtimeSec() + "." + String.format("%09d", d.stat().mtimeNsec()));
        paths(j, "paths", d.paths());
        paths(j, "moved", o.moved());
        stayed(j, o.stayed());
        j.field("goodSource", o.goodSource());
        j.name("ranges").beginArray();
        Provenance p = o.provenance();
        if (p != null) {
            if (p.ranges().isEmpty()) {
                j.beginObject().field("offset", 0).field("length", d.stat().size()).field("origin", "source").endObject();
            }
            for (Provenance.Range rg : p.ranges()) {
                j.beginObject().field("offset", rg.offset()).field("length", rg.length()).field("origin", rg.origin()).endObject();
            }
        }
        j.endArray();
        j.field("sha256", o.sha256());
        j.name("xattrsNotCopied").beginArray();
        for (String x : o.xattrsNotCopied()) j.value(x);
        j.endArray();
        j.field("reason", o.reason());
        j.name("notes").beginArray();
        for (String n : o.notes()) j.value(n);
        j.endArray();
        j.endObject();
    }

    private static void paths(Json j, String name, List<byte[]> paths) throws IOException {
        j.name(name).beginArray();
        for (byte[] p : paths) j.path(p);
        j.endArray();
    }

    private static void stayed(Json j, List<Stayed> stayed) throws IOException {
        j.name("stayed").beginArray();
        for (Stayed s : stayed) j.beginObject().pathField("path", s.path()).field("reason", s.reason()).endObject();
        j.endArray();
    }

    static String jsonStatus(Status s) {
        return switch (s) {
            case REPAIRED -> "repaired";
            case PLANNED -> "planned";
            case PARTIAL -> "partial";
            case NO_CANDIDATE -> "no-candidate";
            case LINKS_OUTSIDE_SOURCE -> "links-outside-source";
            case FAILED -> "failed";
        };
    }
}
