package org.linkrescue.migrate.inventory;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.ddrescue.ExtentScan;
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
        out.println("scan: " + inv.counts().text() + "; " + Summary.count(errors, "error"));
        out.printf(Locale.ROOT, "  bytes: %s unique, %s apparent (every path counted)%n",
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
        if (inv.mapped()) {
            printMapped(out, inv);
            return;
        }
        if (!inv.readTest()) return;
        var damaged = inv.damaged();
        out.printf(Locale.ROOT, "  read test: %,d inodes read, %s; %,d damaged%n", inv.inodesRead(), Summary.bytes(inv.bytesRead()), damaged.size());
        printInodes(out, damaged, "unreadable");
    }

    private static void printInodes(PrintStream out, List<DamagedInode> inodes, String what) {
        for (DamagedInode d : inodes) {
            out.printf(Locale.ROOT, "    inode %d, %,d bytes, %,d %s: %s%n", d.ino(), d.size(), d.badBytes(), what,
                    d.ranges().stream().map(ByteRange::toString).collect(Collectors.joining(", ")));
            int k = 0;
            for (byte[] p : d.paths()) {
                if (k++ == SHOWN_PATHS) { out.printf(Locale.ROOT, "      ... %,d more paths%n", d.paths().size() - SHOWN_PATHS); break; }
                out.println("      " + Names.display(p));
            }
        }
    }

    private static void printMapped(PrintStream out, Inventory inv) {
        ExtentScan scan = inv.extentScan();
        var damaged = inv.damaged();
        var unverifiable = inv.unverifiable();
        out.printf(Locale.ROOT, "  ddrescue map: %,d files mapped (%,d extents), no data read; %s not rescued on this file system;"
                        + " %,d damaged inodes, %,d unverifiable, %,d damaged directories%n",
                scan.filesMapped(), scan.extents(), Summary.bytes(scan.map().areas().bytes()), damaged.size(), unverifiable.size(),
                inv.damagedDirectories().size());
        printInodes(out, damaged, "not rescued");
        if (!unverifiable.isEmpty()) {
            out.println("  unverifiable (the file system cannot place these bytes on the image):");
            printInodes(out, unverifiable, "unplaced");
        }
        for (MappedDamage.DamagedDirectory d : inv.damagedDirectories()) {
            out.printf(Locale.ROOT, "    directory %s: its entries in bytes %s are not rescued: names may be missing from it%n",
                    Names.display(d.path()), d.ranges().stream().map(ByteRange::toString).collect(Collectors.joining(", ")));
        }
        if (!inv.unowned().isEmpty()) {
            out.println("  not rescued, and no file's or directory's data under SOURCE (device bytes):");
            for (ExtentScan.Unowned u : inv.unowned()) {
                out.printf(Locale.ROOT, "    %d-%d ('%c' %s): %s%n", u.start(), u.end() - 1, u.status().symbol(), u.status().meaning(), u.owner());
            }
        }
    }

    public static void write(Json j, Inventory inv, long errors) throws IOException {
        inv.counts().write(j);
        // At the top, where the README shows it; also kept inside totals, where scripts found it first.
        writeHistogram(j, inv);
        j.name("totals").beginObject()
                .field("paths", inv.paths()).field("inodes", inv.inodes()).field("files", inv.files())
                .field("directories", inv.dirs()).field("symlinks", inv.symlinks())
                .field("specialFiles", inv.specialFiles()).field("fifos", inv.fifos())
                .field("charDevices", inv.charDevices()).field("blockDevices", inv.blockDevices())
                .field("uniqueBytes", inv.uniqueBytes()).field("apparentBytes", inv.apparentBytes())
                .field("errors", errors);
        writeHistogram(j, inv);
        j.endObject();
        j.name("snapshots").beginArray();
        for (SnapshotStats s : inv.snapshots()) {
            j.beginObject().pathField("name", s.name()).field("paths", s.paths()).field("inodes", s.inodes())
                    .field("newInodes", s.newInodes()).field("newBytes", s.newBytes()).field("bytes", s.bytes()).endObject();
        }
        j.endArray();
        if (inv.mapped()) {
            writeMapped(j, inv);
            return;
        }
        if (!inv.readTest()) return;
        var damaged = inv.damaged();
        j.name("readTest").beginObject().field("inodesRead", inv.inodesRead()).field("bytesRead", inv.bytesRead())
                .field("damagedInodes", damaged.size()).endObject();
        // top-level "damaged", the shape of the rescue report's list, which repair --from-scan reads
        writeInodes(j, "damaged", damaged);
    }

    private static void writeHistogram(Json j, Inventory inv) throws IOException {
        j.name("inodesByLinkCount").beginObject();
        for (Map.Entry<Integer, Long> e : inv.linkHistogram().entrySet()) j.field(Integer.toString(e.getKey()), e.getValue());
        j.endObject();
    }

    private static void writeMapped(Json j, Inventory inv) throws IOException {
        ExtentScan scan = inv.extentScan();
        j.name("ddrescueMap").beginObject().field("filesMapped", scan.filesMapped()).field("extents", scan.extents())
                .field("unrescuedBytes", scan.map().areas().bytes()).field("unrescuedAreas", scan.map().areas().count())
                .field("imageOffset", scan.map().placement().offset()).field("device", scan.map().placement().device())
                .field("image", scan.map().placement().image()).endObject();
        writeInodes(j, "damaged", inv.damaged());
        writeInodes(j, "unverifiable", inv.unverifiable());
        j.name("damagedDirectories").beginArray();
        for (MappedDamage.DamagedDirectory d : inv.damagedDirectories()) {
            j.beginObject().pathField("path", d.path()).name("badRanges").beginArray();
            for (ByteRange r : d.ranges()) j.value(r.toString());
            j.endArray().name("errors").beginArray();
            for (String e : d.reasons()) j.value(e);
            j.endArray().endObject();
        }
        j.endArray();
        j.name("unowned").beginArray();
        for (ExtentScan.Unowned u : inv.unowned()) {
            j.beginObject().field("deviceRange", u.start() + "-" + (u.end() - 1)).field("status", String.valueOf(u.status().symbol()))
                    .field("owner", u.owner()).field("free", u.free()).endObject();
        }
        j.endArray();
    }

    private static void writeInodes(Json j, String name, List<DamagedInode> inodes) throws IOException {
        j.name(name).beginArray();
        for (DamagedInode d : inodes) {
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
