package org.linkrescue.migrate.ddrescue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.drive.KnownLosses;
import org.linkrescue.migrate.fs.Stat;

/**
 * A drive image read as the drive itself would read: bytes in the mapfile's unrescued areas fail
 * with EIO, and a read that reaches one stops short where it begins, exactly as a failing drive
 * answers (see ../shared/NOTES.md). From there on the rescue does what it does for any bad block:
 * alternates verified against every byte that was read, zeros and exit 3 otherwise; and since
 * the mapfile says where a loss ends, no readable byte after it is lost with it.
 *
 * <p>Each file is mapped once, when it is opened (one FIEMAP call on the open descriptor). Bytes
 * the file system cannot place are read as they are and named by {@link #unverifiable}, or, with
 * failUnplaced (verify, scan), fail like lost ones: a comparison then calls them unverifiable
 * rather than equal or different.
 */
public final class MappedDrive extends KnownLosses {
    private final DamageMap map;
    private final boolean failUnplaced;
    /** Why some bytes of an open file are unplaced (when they are read as they are), by descriptor. */
    private final ConcurrentHashMap<Integer, String> unplaced = new ConcurrentHashMap<>();

    public MappedDrive(BlockReader drive, DamageMap map, boolean failUnplaced) {
        super(drive);
        this.map = map;
        this.failUnplaced = failUnplaced;
    }

    @Override
    protected List<Loss> lossesOf(int fd, Stat st) {
        FileDamage d = map.of(fd, st.size());
        List<Loss> out = new ArrayList<>();
        for (MappedRange r : d.ranges()) if (failUnplaced || !r.unplaced()) out.add(new Loss(r.offset(), r.end(), r.reason()));
        List<MappedRange> u = d.unplaced();
        if (u.isEmpty() || failUnplaced) unplaced.remove(fd);
        else unplaced.put(fd, "bytes " + d.unplacedRanges().stream().map(ByteRange::toString).collect(Collectors.joining(","))
                + " were copied as the image holds them, but cannot be checked against the ddrescue mapfile ("
                + u.get(0).why() + ")");
        return out;
    }

    @Override
    public void close(int fd) {
        unplaced.remove(fd);
        super.close(fd);
    }

    @Override public String unverifiable(int fd) { return unplaced.get(fd); }
}
