package org.linkrescue.migrate.inventory;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.report.Summary;
import org.linkrescue.migrate.stream.Json;

/** An inventory for humans (stdout, one screen but for a long damage list) and for scripts (JSON). */
public final class InventoryReport {
    /** Snapshots listed one per line on screen before the rest are summed up. */
    static final int SHOWN_SNAPSHOTS = 20;
    /** Paths listed per damaged inode on screen (the JSON has them all). */
    static final int SHOWN_PATHS = 10;

    private InventoryReport() {}

    public static void print(PrintStream out, Inventory inv, long errors) {
        out.printf(Locale.ROOT, "scan: %,d paths (%,d files, %,d directories, %,d symlinks, %,d special files), %,d inodes, %,d errors%n",
                inv.paths(), inv.files(), inv.dirs(), inv.symlinks(), inv.specialFiles(), inv.inodes(), errors);
        out.printf(Locale.ROOT, "  bytes: %s unique, %s apparent (every link counted)%n",
                Summary.bytes(inv.uniqueBytes()), Summary.bytes(inv.apparentBytes()));
        out.println("  inodes by link count: " + inv.linkHistogram().entrySet().stream()
                .map(e -> e.getKey() + ":" + String.format(Locale.ROOT, "%,d", e.getValue())).collect(Collectors.joining("  ")));
        if (!inv.snapshots().isEmpty()) {
            out.printf(Locale.ROOT, "  %-32s %12s %12s %14s%n", "snapshot", "paths", "inodes", "new bytes");
            int shown = 0;
            for (SnapshotStats s : inv.snapshots()) {
                if (shown++ == SHOWN_SNAPSHOTS) {
                    out.printf(Locale.ROOT, "  ... %,d more (all of them with --json FILE)%n", inv.snapshots().size() - SHOWN_SNAPSHOTS);
                    break;
                }
                out.printf(Locale.ROOT, "  %-32s %,12d %,12d %14s%n", Names.display(s.name()), s.paths(), s.inodes(), Summary.bytes(s.newBytes()));
            }
        }
        if (!inv.readTest()) return;
        var damaged = inv.damaged();
        out.printf(Locale.ROOT, "  read test: %,d inodes read, %s; %,d damaged%n", inv.inodesRead(), Summary.bytes(inv.bytesRead()), damaged.size());
        for (DamagedInode d : damaged) {
            out.printf(Locale.ROOT, "    inode %d, %,d bytes, %,d unreadable: %s%n", d.ino(), d.size(), d.badBytes(),
                    d.ranges().stream().map(ByteRange::toString).collect(Collectors.joining(", ")));
            int k = 0;
            for (byte[] p : d.paths()) {
                if (k++ == SHOWN_PATHS) { out.printf(Locale.ROOT, "      ... %,d more paths%n", d.paths().size() - SHOWN_PATHS); break; }
                out.println("      " + Names.display(p));
            }
        }
    }

    public static void write(Json j, Inventory inv, long errors) throws IOException {
        j.name("totals").beginObject()
                .field("paths", inv.paths()).field("inodes", inv.inodes()).field("files", inv.files())
                .field("directories", inv.dirs()).field("symlinks", inv.symlinks())
                .field("specialFiles", inv.specialFiles()).field("fifos", inv.fifos())
                .field("charDevices", inv.charDevices()).field("blockDevices", inv.blockDevices())
                .field("uniqueBytes", inv.uniqueBytes()).field("apparentBytes", inv.apparentBytes())
                .field("errors", errors);
        j.name("inodesByLinkCount").beginObject();
        for (Map.Entry<Integer, Long> e : inv.linkHistogram().entrySet()) j.field(Integer.toString(e.getKey()), e.getValue());
        j.endObject();
        j.endObject();
        j.name("snapshots").beginArray();
        for (SnapshotStats s : inv.snapshots()) {
            j.beginObject().pathField("name", s.name()).field("paths", s.paths()).field("inodes", s.inodes())
                    .field("newInodes", s.newInodes()).field("newBytes", s.newBytes()).field("bytes", s.bytes()).endObject();
        }
        j.endArray();
        if (!inv.readTest()) return;
        var damaged = inv.damaged();
        j.name("readTest").beginObject().field("inodesRead", inv.inodesRead()).field("bytesRead", inv.bytesRead())
                .field("damagedInodes", damaged.size()).endObject();
        // top-level "damaged", the shape of the rescue report's list, which repair --from-scan reads
        j.name("damaged").beginArray();
        for (DamagedInode d : damaged) {
            j.beginObject().field("ino", d.ino()).field("size", d.size()).field("mtime", d.mtime()).field("badBytes", d.badBytes());
            j.name("paths").beginArray();
            for (byte[] p : d.paths()) j.path(p);
            j.endArray();
            j.name("badRanges").beginArray();
            for (ByteRange r : d.ranges()) j.value(r.toString());
            j.endArray();
            j.name("errors").beginArray();
            for (String e : d.errors()) j.value(e);
            j.endArray();
            j.endObject();
        }
        j.endArray();
    }
}
