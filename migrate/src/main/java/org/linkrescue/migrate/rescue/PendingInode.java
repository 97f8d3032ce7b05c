package org.linkrescue.migrate.rescue;

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

    /** Bytes found bad (or given up). */
    public long badBytes() { return states.bytes(BlockStatus.BAD) + (givenUp() ? states.untriedBytes() : 0); }
}
