package org.linkrescue.migrate.rescue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.migrate.drive.BlockStatus;
import org.linkrescue.migrate.drive.RangeStates;
import org.linkrescue.migrate.drive.RescueReader;
import org.linkrescue.migrate.fs.Stat;

/**
 * A damaged inode whose bad areas wait for the later passes of a rescue ({@link LaterPasses}):
 * what the scan saw of it, every path met so far (its first path, where the sink wrote it,
 * first), the standing of each of its bytes, and what its reads said. Thread-safe: the paths
 * grow on the sink's thread while the passes read on the caller's.
 */
public final class PendingInode {
    private final Stat stat;
    private final List<byte[]> paths = new ArrayList<>();
    private final RangeStates states;
    private final List<String> errors = new ArrayList<>();
    private final RescueReader.Outcome reads = new RescueReader.Outcome();
    private boolean givenUp, unverifiable;

    /**
     * @param givenUp a read of it hung or it ended early: it is not read again, and what it
     *                did not give is bad
     */
    public PendingInode(Stat stat, byte[] firstPath, RangeStates states, List<String> errors, boolean givenUp) {
        this.stat = stat;
        this.paths.add(firstPath.clone());
        this.states = states;
        this.errors.addAll(errors);
        this.givenUp = givenUp;
    }

    public Stat stat() { return stat; }
    public long devId() { return stat.devId(); }
    public long ino() { return stat.ino(); }
    public RangeStates states() { return states; }

    public synchronized byte[] firstPath() { return paths.get(0); }

    /** Every path met so far, the first first. */
    public synchronized List<byte[]> paths() { return new ArrayList<>(paths); }

    /** Names one more path of the inode (once). */
    public synchronized void addPath(byte[] path) {
        for (byte[] p : paths) if (Arrays.equals(p, path)) return;
        paths.add(path.clone());
    }

    /** What the reads of it said (pass 1's, and the outcome of the later passes). */
    public synchronized List<String> errors() {
        List<String> out = new ArrayList<>(errors);
        out.addAll(reads.notes(stat.size()));
        return out;
    }

    /** Adds a line to what is said of it (why the later passes left it). */
    synchronized void note(String line) { errors.add(line); }

    /** The tally of the later passes' reads. */
    RescueReader.Outcome reads() { return reads; }

    /** Whether nothing more is read of it (a read hung, or it ended early). */
    public synchronized boolean givenUp() { return givenUp || reads.hungAt >= 0 || reads.endedAt >= 0; }

    synchronized void giveUp() { givenUp = true; }

    /** Its bytes changed while pass 1 read them: no one version of the file, so no copy is checked against them. */
    synchronized void unverifiable() { unverifiable = true; }

    synchronized boolean isUnverifiable() { return unverifiable; }

    /** Bytes the later passes still have to read. */
    public long untriedBytes() { return givenUp() ? 0 : states.untriedBytes(); }

    /**
     * Everything the later passes need of it, as bytes (a rescue map keeps them between runs:
     * a run stopped before its later passes ended goes on from them, see {@link #decode}): its
     * lstat, paths, what its reads said, whether it is given up or unverifiable, and its range
     * states.
     */
    public synchronized byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            Stat t = stat;
            out.writeInt(t.devMajor()); out.writeInt(t.devMinor()); out.writeLong(t.ino()); out.writeInt(t.mode());
            out.writeInt(t.nlink()); out.writeInt(t.uid()); out.writeInt(t.gid()); out.writeLong(t.size()); out.writeLong(t.blocks());
            out.writeInt(t.rdevMajor()); out.writeInt(t.rdevMinor()); out.writeLong(t.mtimeSec()); out.writeInt(t.mtimeNsec());
            out.writeLong(t.atimeSec()); out.writeInt(t.atimeNsec()); out.writeLong(t.ctimeSec()); out.writeInt(t.ctimeNsec());
            out.writeInt(paths.size());
            for (byte[] p : paths) { out.writeInt(p.length); out.write(p); }
            // What pass 1 said, then the later passes' tally as it stands: a resumed run goes on
            // counting (its report says "(3 failed reads)", as one run's would, not 2 and 1).
            out.writeInt(errors.size());
            for (String e : errors) out.writeUTF(e);
            out.writeLong(reads.bytesRead);
            out.writeLong(reads.hungAt);
            out.writeLong(reads.endedAt);
            out.writeInt(reads.errors.size());
            for (var e : reads.errors.entrySet()) { out.writeUTF(e.getKey()); out.writeInt(e.getValue()); }
            out.writeBoolean(givenUp);
            out.writeBoolean(unverifiable);
            List<RangeStates.Span> spans = states.spans();
            out.writeInt(spans.size());
            for (RangeStates.Span sp : spans) { out.writeLong(sp.offset()); out.writeLong(sp.length()); out.writeByte(sp.status().symbol); }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // into memory: cannot happen
        }
        return bytes.toByteArray();
    }

    /** A pending inode as {@link #encode} wrote it. @throws IllegalArgumentException bytes that are not one */
    public static PendingInode decode(byte[] b) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            if (in.readByte() != FORMAT) throw new IllegalArgumentException("not a pending inode of format " + FORMAT);
            Stat t = new Stat(in.readInt(), in.readInt(), in.readLong(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                    in.readLong(), in.readLong(), in.readInt(), in.readInt(), in.readLong(), in.readInt(), in.readLong(), in.readInt(),
                    in.readLong(), in.readInt());
            List<byte[]> paths = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) paths.add(in.readNBytes(in.readInt()));
            List<String> said = new ArrayList<>();
            for (int i = in.readInt(); i > 0; i--) said.add(in.readUTF());
            RescueReader.Outcome reads = new RescueReader.Outcome();
            reads.bytesRead = in.readLong();
            reads.hungAt = in.readLong();
            reads.endedAt = in.readLong();
            for (int i = in.readInt(); i > 0; i--) reads.errors.put(in.readUTF(), in.readInt());
            boolean givenUp = in.readBoolean(), unverifiable = in.readBoolean();
            RangeStates states = new RangeStates(t.size(), BlockStatus.FINISHED);
            for (int i = in.readInt(); i > 0; i--) {
                long off = in.readLong(), len = in.readLong();
                states.set(off, off + len, BlockStatus.of((char) in.readByte()));
            }
            if (in.available() != 0 || paths.isEmpty()) throw new IllegalArgumentException("a pending inode of format " + FORMAT + " is shorter");
            PendingInode p = new PendingInode(t, paths.get(0), states, said, givenUp);
            p.reads.bytesRead = reads.bytesRead;
            p.reads.hungAt = reads.hungAt;
            p.reads.endedAt = reads.endedAt;
            p.reads.errors.putAll(reads.errors);
            for (byte[] path : paths.subList(1, paths.size())) p.addPath(path);
            if (unverifiable) p.unverifiable();
            return p;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a whole pending inode: " + e.getMessage(), e);
        }
    }

    /** 2: the later passes' tally kept apart from what pass 1 said (1 kept them as lines; no map ever held one). */
    private static final byte FORMAT = 2;

    /** Bytes found bad (or given up). */
    public long badBytes() { return states.bytes(BlockStatus.BAD) + (givenUp() ? states.untriedBytes() : 0); }
}
