package org.linkrescue.migrate.map;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.linkrescue.migrate.drive.RangeStates;
import org.linkrescue.migrate.rescue.DamagedInodeRecord;
import org.linkrescue.migrate.rescue.Pass;
import org.linkrescue.migrate.rescue.PassListener;
import org.linkrescue.migrate.rescue.PendingInode;

/**
 * A rescue in passes, kept in the rescue map: the pass under way (the status line's phase and
 * pass) and each pending inode as its passes leave it: its ranges in ddrescue's characters
 * ({@code blocks}) and all a later run needs to go on with it ({@code istate DEV INO passes},
 * {@link PendingInode#encode}). So a stop at any pass resumes at that pass: a pending file counts
 * as complete once its state is in the map ({@link Checkpoints#pendingState}), and a resumed
 * run's later passes take it over ({@link #pending}, {@link #from}) without reading again a byte
 * the stopped run read.
 *
 * <p>The pass recorded never passes the first one this run's plan leaves out: a resume with
 * more passes goes back to it. Thread-safe (pass 1's states come from the reading threads).
 */
public final class PassStates implements PassListener {
    /** The istate owner: the bytes are a {@link PendingInode#encode}. */
    static final String OWNER = "passes";

    private final Checkpoints checkpoints;
    /** The first later pass the plan leaves out (SPLICE's number + 1: none). */
    private final int firstLeftOut;
    /** Whether an inode the plan leaves unsettled keeps the map for a later --resume (a disk target: it can be patched later). */
    private final boolean resumableLater;
    /** Pending inodes that met a later path since their state was last recorded. */
    private final Set<PendingInode> pathsAdded = ConcurrentHashMap.newKeySet();
    private volatile boolean laterPasses;

    /**
     * @param plan           this run's passes
     * @param resumableLater inodes the plan leaves unsettled stay open in the map for a later
     *                       --resume (migrate to a disk: only a target file can be patched in
     *                       place later; an archive's late entries are final once written)
     */
    public PassStates(Checkpoints checkpoints, Set<Pass> plan, boolean resumableLater) {
        this.checkpoints = checkpoints;
        int left = Pass.SPLICE.number + 1;
        for (Pass p : Pass.values()) if (!plan.contains(p)) left = Math.min(left, p.number);
        this.firstLeftOut = left;
        this.resumableLater = resumableLater;
        checkpoints.beforeInodeRecords(this::recordPathsAdded);
    }

    @Override
    public void pass(Pass p) {
        laterPasses = true;
        int n = Math.min(p.number, firstLeftOut);
        checkpoints.phase(phase(n), n);
    }

    /** ddrescue's phase characters; the splice, ours alone, is '+': the drive is read. */
    private static char phase(int pass) {
        return switch (pass) {
            case 1 -> '?';
            case 2 -> '/';
            case 3 -> '-';
            default -> '+';
        };
    }

    @Override
    public void states(PendingInode p) {
        pathsAdded.remove(p);
        record(p);
        // Later passes run on one thread after the last entry: no checkpoint comes from the sink
        // any more, so this thread writes them, or a kill would lose the whole pass.
        if (laterPasses) checkpoints.checkpointIfDue();
    }

    @Override
    public void progress() {
        if (laterPasses) checkpoints.checkpointIfDue();
    }

    private void record(PendingInode p) {
        List<MapState.InodeBlocks.Block> blocks = new ArrayList<>();
        for (RangeStates.Span s : p.states().spans()) blocks.add(new MapState.InodeBlocks.Block(s.offset(), s.length(), s.status().symbol));
        checkpoints.blocks(new MapState.InodeBlocks(p.devId(), p.ino(), p.stat().size(), blocks));
        checkpoints.pendingState(new MapState.InodeState(p.devId(), p.ino(), OWNER, p.encode()), p.firstPath());
    }

    @Override
    public void pathAdded(PendingInode p) { pathsAdded.add(p); }

    /** Run by each checkpoint after it counts the complete entries: the paths met by then go in with them. */
    private void recordPathsAdded() {
        for (PendingInode p : pathsAdded) {
            pathsAdded.remove(p);
            record(p);
        }
    }

    @Override
    public void leftOpen(PendingInode p) {
        if (resumableLater) checkpoints.leftOpen(p.devId(), p.ino(), p.firstPath());
    }

    /**
     * The inodes a stopped run left pending, for {@link
     * org.linkrescue.migrate.rescue.RescueContentSource#resumePending}: those not settled (no
     * damaged record) whose file is complete in TARGET (the stream will not meet it again; one
     * it meets again is pending as the new run finds it).
     */
    public static List<PendingInode> pending(MapState s) {
        Set<MapState.InodeKey> settled = new HashSet<>();
        for (DamagedInodeRecord r : s.damaged()) settled.add(new MapState.InodeKey(r.devId(), r.ino()));
        List<PendingInode> out = new ArrayList<>();
        for (MapState.InodeState st : s.inodeStates()) {
            if (!st.owner().equals(OWNER) || settled.contains(new MapState.InodeKey(st.dev(), st.ino()))) continue;
            PendingInode p = PendingInode.decode(st.value());
            if (s.last() != null && WalkOrder.done(p.firstPath(), s.last())) out.add(p);
        }
        return out;
    }

    /** The later pass a resumed run goes on from: the pass the map records, scrape at the earliest. */
    public static Pass from(MapState s) {
        return s.pass() <= Pass.SCRAPE.number ? Pass.SCRAPE : s.pass() == Pass.RETRY.number ? Pass.RETRY : Pass.SPLICE;
    }
}
