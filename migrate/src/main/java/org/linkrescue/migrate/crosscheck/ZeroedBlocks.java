package org.linkrescue.migrate.crosscheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.drive.KnownLosses;
import org.linkrescue.migrate.fs.Stat;

/**
 * migrate --cross-check: the sectors where SOURCE holds nothing but zeros and a copy does not
 * (a ddrescue hole, a zeroed sector) read as a failing drive's bad blocks, so the rescue
 * splices them from a copy that agrees with every other byte, or reports them lost. Each inode
 * is looked up by its number when opened.
 */
public final class ZeroedBlocks extends KnownLosses {
    /** "devId:ino" -> the inode's zeroed ranges, in order. */
    private final Map<String, List<ByteRange>> zeroed;

    public ZeroedBlocks(BlockReader drive, Map<String, List<ByteRange>> zeroed) {
        super(drive);
        this.zeroed = Map.copyOf(zeroed);
    }

    @Override
    protected List<Loss> lossesOf(int fd, Stat st) {
        List<Loss> out = new ArrayList<>();
        for (ByteRange r : zeroed.getOrDefault(st.devId() + ":" + st.ino(), List.of()))
            out.add(new Loss(r.offset(), r.end(), "cross-check: SOURCE holds zeros in bytes " + r + ", a copy does not"));
        return out;
    }
}
