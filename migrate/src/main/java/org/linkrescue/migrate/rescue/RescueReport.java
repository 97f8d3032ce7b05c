package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.stream.Alternates;
import org.linkrescue.migrate.stream.Json;
import org.linkrescue.migrate.stream.Provenance;

/**
 * What the rescue did: one record per damaged inode (every path sharing it, size, mtime, bad
 * ranges, each candidate with its verdict, where every byte range written came from, SHA-256 of
 * the bytes written) and the totals. Thread-safe: contents may be read on several threads.
 * Damaged inodes are few, so their records are kept; undamaged ones only count.
 */
public final class RescueReport {
    private final Map<Key, DamagedInodeRecord> damaged = new LinkedHashMap<>();
    /** Inodes copied as read whose bytes nothing could vouch for (see {@link BlockReader#unverifiable}). */
    private final Map<Key, Unverifiable> unverifiable = new LinkedHashMap<>();
    /** Damaged inodes a rescue in passes is still at: recorded as damaged once their passes end. */
    private final Map<Key, PendingInode> pending = new LinkedHashMap<>();
    private long inodesRead, bytesRead, lostWorkers, resumedAbandoned;
    /** Directories the drive could not list, and names it could not lstat, with what became of each. */
    private final List<Alternates.Unreadable> unreadable = new ArrayList<>();

    private record Key(long dev, long ino) {}

    /** An inode copied as the drive gave it, though its bytes could not be checked; paths grow as links are met. */
    public record Unverifiable(long devId, long ino, List<byte[]> paths, long size, String why) {}

    /** An inode whose every byte came from the drive. */
    synchronized void clean(long size) {
        inodesRead++;
        bytesRead += size;
    }

    synchronized void damaged(DamagedInodeRecord r, long readableBytes) {
        inodesRead++;
        bytesRead += readableBytes;
        Key k = new Key(r.devId(), r.ino());
        DamagedInodeRecord was = damaged.put(k, r);
        pending.remove(k);
        if (was != null) { // read again on resume: the paths met before stay, first path first
            for (byte[] p : was.paths()) {
                boolean has = false;
                for (byte[] q : r.paths()) has |= Arrays.equals(p, q);
                if (!has) r.paths().add(p);
            }
        }
    }

    /** A damaged inode left for the later passes of a rescue; its later paths are added as they come. */
    public synchronized void pending(PendingInode p) { pending.put(new Key(p.devId(), p.ino()), p); }

    /** The pending inode (dev, ino), or null. */
    public synchronized PendingInode pendingInode(long devId, long ino) { return pending.get(new Key(devId, ino)); }

    /** The damaged inodes still waiting for their later passes, in the order they were met. */
    public synchronized List<PendingInode> pendingInodes() { return new ArrayList<>(pending.values()); }

    /** Bytes of pending inodes the later passes still have to read. */
    public synchronized long untriedBytes() {
        long n = 0;
        for (PendingInode p : pending.values()) n += p.untriedBytes();
        return n;
    }

    /** Bytes of pending inodes found bad (or given up), and of damaged ones left unread. */
    public synchronized long badBytes() {
        long n = 0;
        for (PendingInode p : pending.values()) n += p.badBytes();
        for (DamagedInodeRecord r : damaged.values()) n += r.bytesLost();
        return n;
    }

    synchronized void lostWorker() { lostWorkers++; }

    /** Reads (and kernel copies) given up for hanging, by every run of the rescue: the report's abandonedReads. */
    public synchronized long abandonedReads() { return lostWorkers; }

    synchronized void unverifiable(long devId, long ino, byte[] path, long size, String why) {
        unverifiable.putIfAbsent(new Key(devId, ino), new Unverifiable(devId, ino, new ArrayList<>(List.of(path.clone())), size, why));
    }

    public synchronized List<Unverifiable> unverifiable() { return new ArrayList<>(unverifiable.values()); }

    synchronized void unreadable(Alternates.Unreadable u) { unreadable.add(u); }

    public synchronized List<Alternates.Unreadable> unreadable() { return new ArrayList<>(unreadable); }

    /**
     * Names one more path of an inode (a later hard link). Returns whether the inode is a
     * damaged one; the call is cheap for the others.
     */
    public synchronized boolean addPath(long devId, long ino, byte[] path) {
        if (damaged.isEmpty() && pending.isEmpty() && unverifiable.isEmpty()) return false; // a healthy drive: no key per link
        Key k = new Key(devId, ino);
        Unverifiable u = unverifiable.get(k);
        if (u != null && u.paths().stream().noneMatch(q -> Arrays.equals(q, path))) u.paths().add(path.clone());
        PendingInode p = pending.get(k);
        if (p != null) {
            p.addPath(path);
            return true;
        }
        DamagedInodeRecord r = damaged.get(k);
        if (r == null) return false;
        // A resumed rescue meets again the links that were in flight when it stopped: each path once.
        for (byte[] q : r.paths()) if (Arrays.equals(q, path)) return true;
        r.paths().add(path.clone());
        return true;
    }

    /**
     * What the earlier runs of a resumed rescue found: their damaged inodes (each with the paths
     * met so far; later paths are added as this run meets them), unverifiable inodes, directories
     * and names that could not be read (this run meets none of them again: it starts after
     * them), and totals. A damaged inode this run reads again (it was in flight at the stop)
     * replaces its record, keeping its paths.
     */
    public synchronized void resume(List<DamagedInodeRecord> records, List<Unverifiable> unverifiable, List<Alternates.Unreadable> unreadable,
                                    long inodesRead, long bytesRead, long abandonedReads) {
        this.unreadable.addAll(unreadable);
        for (DamagedInodeRecord r : records) damaged.put(new Key(r.devId(), r.ino()), r);
        for (Unverifiable u : unverifiable) {
            this.unverifiable.put(new Key(u.devId(), u.ino()), new Unverifiable(u.devId(), u.ino(), new ArrayList<>(u.paths()), u.size(), u.why()));
        }
        this.inodesRead += inodesRead;
        this.bytesRead += bytesRead;
        this.lostWorkers += abandonedReads;
        this.resumedAbandoned = abandonedReads;
    }

    /** Reads abandoned in this run (hung), besides the ones a resumed rescue's earlier runs counted. */
    public synchronized long abandonedReadsThisRun() { return lostWorkers - resumedAbandoned; }

    /** The record of a damaged inode, or null. */
    public synchronized DamagedInodeRecord record(long devId, long ino) { return damaged.get(new Key(devId, ino)); }

    public synchronized List<DamagedInodeRecord> records() { return new ArrayList<>(damaged.values()); }

    public synchronized long inodesRead() { return inodesRead; }
    public synchronized long bytesRead() { return bytesRead; }

    public synchronized long bytesSpliced() {
        long n = 0;
        for (DamagedInodeRecord r : damaged.values()) n += r.bytesSpliced();
        return n;
    }

    public synchronized long bytesLost() {
        long n = 0;
        for (DamagedInodeRecord r : damaged.values()) n += r.bytesLost();
        return n;
    }

    /** Inodes with at least one byte zero-filled or left out. */
    public synchronized long inodesWithLoss() {
        return damaged.values().stream().filter(r -> r.bytesLost() > 0).count();
    }

    /**
     * 0: every byte came from SOURCE or a verified alternate; 3: some bytes could not be
     * recovered, or could not be checked (an unverifiable file is never counted good), or a
     * directory or name could not be read at all (what it held is known only from copies).
     */
    public synchronized int exitCode() { return bytesLost() > 0 || !unverifiable.isEmpty() || !unreadable.isEmpty() ? 3 : 0; }

    /** A few lines for stderr at the end of the run. */
    public synchronized List<String> summary() {
        List<String> out = new ArrayList<>();
        long recovered = damaged.values().stream().filter(r -> r.bytesLost() == 0).count();
        out.add("rescue: " + inodesRead + " files read, " + bytesRead + " bytes from the source; "
                + damaged.size() + " damaged, " + recovered + " recovered (" + bytesSpliced() + " bytes spliced)");
        if (bytesLost() > 0) {
            out.add("rescue: " + bytesLost() + " bytes in " + inodesWithLoss() + " files could not be recovered:");
            int shown = 0;
            for (DamagedInodeRecord r : damaged.values()) {
                if (r.bytesLost() == 0) continue;
                if (shown++ == 10) { out.add("  ... (see the report)"); break; }
                out.add("  " + Names.display(r.paths().get(0)) + (r.paths().size() > 1 ? " (+" + (r.paths().size() - 1) + " links)" : "")
                        + ": " + r.bytesLost() + " bytes " + (r.leftOut() ? "left out (cannot open)" : "zero-filled"));
            }
        }
        long mm = damaged.values().stream().filter(r -> r.accepted() != null && !r.accepted().reason().isEmpty()).count();
        if (mm > 0) out.add("rescue: " + mm + " files spliced from a copy with another mtime (--accept-mtime-mismatch)");
        if (lostWorkers > 0) out.add("rescue: " + lostWorkers + " reads hung and were abandoned");
        if (!unverifiable.isEmpty()) {
            out.add("rescue: " + unverifiable.size() + " files copied as read but unverifiable:");
            int shown = 0;
            for (Unverifiable u : unverifiable.values()) {
                if (shown++ == 10) { out.add("  ... (see the report)"); break; }
                out.add("  " + Names.display(u.paths().get(0)) + (u.paths().size() > 1 ? " (+" + (u.paths().size() - 1) + " links)" : "")
                        + ": " + u.why());
            }
        }
        if (!unreadable.isEmpty()) {
            long dirs = unreadable.stream().filter(Alternates.Unreadable::directory).count();
            long filled = unreadable.stream().mapToLong(Alternates.Unreadable::pathsFilled).sum();
            long verified = unreadable.stream().mapToLong(Alternates.Unreadable::pathsVerified).sum();
            out.add("rescue: " + dirs + " directories and " + (unreadable.size() - dirs) + " names could not be read; "
                    + filled + " paths filled from copies (" + verified + " verified against the drive, "
                    + (filled - verified) + " unverified)");
            int shown = 0;
            for (Alternates.Unreadable u : unreadable) {
                if (shown++ == 10) { out.add("  ... (see the report)"); break; }
                out.add("  " + Names.display(u.path()) + (u.directory() ? "/" : "") + ": "
                        + (u.filledFrom() == null ? "nothing could fill it" : u.pathsFilled() + " paths from " + Names.display(Names.bytes(u.filledFrom()))));
            }
        }
        return out;
    }

    /** Writes the report as one JSON object. */
    public synchronized void write(Writer w) throws IOException {
        Json j = new Json(w);
        j.beginObject();
        j.name("totals").beginObject()
                .field("inodesRead", inodesRead).field("bytesRead", bytesRead)
                .field("bytesSpliced", bytesSpliced()).field("bytesLost", bytesLost())
                .field("damagedInodes", damaged.size()).field("inodesWithLoss", inodesWithLoss())
                .field("abandonedReads", lostWorkers).field("unverifiableInodes", unverifiable.size())
                .field("unreadableDirs", unreadable.stream().filter(Alternates.Unreadable::directory).count())
                .field("unreadableNames", unreadable.stream().filter(u -> !u.directory()).count())
                .field("pathsFilled", unreadable.stream().mapToLong(Alternates.Unreadable::pathsFilled).sum())
                .field("pathsVerified", unreadable.stream().mapToLong(Alternates.Unreadable::pathsVerified).sum())
                .field("pathsUnverified", unreadable.stream().mapToLong(Alternates.Unreadable::pathsUnverified).sum())
                .endObject();
        j.field("exitCode", exitCode());
        j.name("damaged").beginArray();
        for (DamagedInodeRecord r : damaged.values()) write(j, r);
        j.endArray();
        j.name("unverifiable").beginArray();
        for (Unverifiable u : unverifiable.values()) {
            j.beginObject().name("paths").beginArray();
            for (byte[] p : u.paths()) j.path(p);
            j.endArray().field("ino", u.ino()).field("size", u.size()).field("why", u.why()).endObject();
        }
        j.endArray();
        j.name("unreadable").beginArray();
        for (Alternates.Unreadable u : unreadable) {
            j.beginObject().pathField("path", u.path()).field("kind", u.directory() ? "directory" : "name")
                    .field("error", u.error()).field("filledFrom", u.filledFrom() == null ? null : Names.display(Names.bytes(u.filledFrom())))
                    .field("pathsFilled", u.pathsFilled()).field("pathsVerified", u.pathsVerified())
                    .field("pathsUnverified", u.pathsUnverified());
            j.name("unverifiedPaths").beginArray();
            for (byte[] p : u.unverified()) j.path(p);
            j.endArray().endObject();
        }
        j.endArray();
        j.endObject();
        j.flush();
    }

    private static void write(Json j, DamagedInodeRecord r) throws IOException {
        j.beginObject();
        j.name("paths").beginArray();
        for (byte[] p : r.paths()) j.path(p);
        j.endArray();
        j.field("ino", r.ino()).field("size", r.size())
                .field("mtime", r.mtimeSec() + "." + String.format("%09d", r.mtimeNsec()));
        j.name("badRanges").beginArray();
        for (ByteRange b : r.badRanges()) j.value(b.toString());
        j.endArray();
        if (!r.untried().isEmpty()) {
            j.name("untriedRanges").beginArray();
            for (ByteRange b : r.untried()) j.value(b.toString());
            j.endArray();
        }
        j.name("errors").beginArray();
        for (String e : r.errors()) j.value(e);
        j.endArray();
        j.name("candidates").beginArray();
        for (Verdict v : r.candidates()) {
            j.beginObject().field("path", v.candidate().toString())
                    .field("verdict", v.accepted() ? "accepted" : "rejected").field("reason", v.reason()).endObject();
        }
        j.endArray();
        j.name("written").beginArray();
        for (Provenance.Range g : r.provenance().ranges()) {
            j.beginObject().field("range", new ByteRange(g.offset(), g.length()).toString())
                    .field("from", Names.display(Names.bytes(g.origin()))).endObject();
        }
        j.endArray();
        j.field("damaged", r.provenance().damaged() || r.leftOut());
        j.field("leftOut", r.leftOut());
        j.field("bytesLost", r.bytesLost());
        j.field("sha256", r.sha256());
        j.endObject();
    }
}
