package org.linkrescue.migrate.ddrescue;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.ByteRange;

/**
 * A drive image read as the drive itself would read: bytes in the mapfile's unrescued areas fail
 * with EIO, and a read that reaches one stops short where it begins, exactly as a failing drive
 * answers (see ../shared/NOTES.md). From there on the rescue does what it does for any bad block:
 * block by block, alternates verified against every byte that was read, zeros and exit 3 otherwise.
 *
 * <p>Each file is mapped once, when it is opened (one FIEMAP call on the open descriptor). Bytes
 * the file system cannot place are read as they are and named by {@link #unverifiable}, or, with
 * failUnplaced (verify, scan), fail like lost ones: a comparison then calls them unverifiable
 * rather than equal or different.
 */
public final class MappedDrive implements BlockReader {
    private final BlockReader drive;
    private final DamageMap map;
    private final boolean failUnplaced;
    private final ConcurrentHashMap<Integer, FileDamage> open = new ConcurrentHashMap<>();

    public MappedDrive(BlockReader drive, DamageMap map, boolean failUnplaced) {
        this.drive = drive;
        this.map = map;
        this.failUnplaced = failUnplaced;
    }

    @Override
    public int open(int dirFd, byte[] name, int flags) throws PosixException {
        int fd = drive.open(dirFd, name, flags);
        try {
            Stat st = drive.fstat(fd);
            open.put(fd, st.isRegular() ? map.of(fd, st.size()) : FileDamage.NONE);
        } catch (PosixException | RuntimeException e) {
            drive.close(fd);
            throw e;
        }
        return fd;
    }

    @Override public Stat fstat(int fd) throws PosixException { return drive.fstat(fd); }

    @Override
    public int pread(int fd, ByteBuffer direct, int len, long off) throws PosixException {
        return drive.pread(fd, direct, allowed(fd, off, len, "read"), off);
    }

    @Override
    public long sendfile(int out, int in, long inOff, int len) throws PosixException {
        return drive.sendfile(out, in, inOff, allowed(in, inOff, len, "sendfile"));
    }

    /** How much of [off, off + len) may be read before a lost byte; EIO when off itself is lost. */
    private int allowed(int fd, long off, int len, String call) throws PosixException {
        FileDamage d = open.get(fd);
        if (d == null) throw new IllegalStateException("descriptor " + fd + " was not opened through the mapped drive");
        MappedRange r = d.firstIn(off, off + len, failUnplaced);
        if (r == null) return len;
        if (r.offset() <= off) throw new PosixException(call, null, Errno.EIO, d.lossAt(off, failUnplaced).reason());
        return (int) (r.offset() - off);
    }

    @Override
    public void close(int fd) {
        open.remove(fd);
        drive.close(fd);
    }

    @Override public boolean seekFree(int fd, Stat st) { return drive.seekFree(fd, st); }

    /** The mapfile knows where the loss at off ends: the block's bytes past it were rescued and are read. */
    @Override
    public long lostUntil(int fd, long off, long blockEnd) {
        FileDamage d = open.get(fd);
        MappedRange loss = d == null ? null : d.lossAt(off, failUnplaced);
        return loss == null ? blockEnd : Math.min(blockEnd, loss.end());
    }

    @Override
    public String unverifiable(int fd) {
        FileDamage d = open.get(fd);
        if (d == null || failUnplaced) return null;
        List<MappedRange> u = d.unplaced();
        if (u.isEmpty()) return null;
        return "bytes " + d.unplacedRanges().stream().map(ByteRange::toString).collect(Collectors.joining(","))
                + " were copied as the image holds them, but cannot be checked against the ddrescue mapfile ("
                + u.get(0).why() + ")";
    }
}
