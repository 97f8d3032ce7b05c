package org.linkrescue.migrate.drive;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * A drive that knows, for each file as it is opened, which of its bytes are lost (a ddrescue
 * image's mapfile, a cross-check's zeroed blocks), and reads them as a failing drive would: a
 * read that reaches a lost byte stops short where it begins, a read at one fails with EIO and
 * says why, and the rescue loses no byte past where the loss ends ({@link #lostUntil}). The rest
 * goes to the drive beneath. A descriptor's losses are replaced when its number is opened again.
 */
public abstract class KnownLosses implements BlockReader {
    /** Bytes [offset, end) of one file are lost, for a reason; a file's losses are sorted and do not overlap. */
    public record Loss(long offset, long end, String why) {}

    private final BlockReader drive;
    private final ConcurrentHashMap<Integer, List<Loss>> open = new ConcurrentHashMap<>();

    protected KnownLosses(BlockReader drive) { this.drive = drive; }

    /** The losses of fd's file (regular, st as fstat gave it), decided once when it is opened. */
    protected abstract List<Loss> lossesOf(int fd, Stat st);

    @Override
    public int open(int dirFd, byte[] name, int flags) throws PosixException {
        int fd = drive.open(dirFd, name, flags);
        try {
            Stat st = drive.fstat(fd);
            open.put(fd, st.isRegular() ? List.copyOf(lossesOf(fd, st)) : List.of());
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
        for (Loss l : open.getOrDefault(fd, List.of())) {
            if (l.end() <= off) continue;
            if (l.offset() >= off + len) break;
            if (l.offset() <= off) throw new PosixException(call, null, Errno.EIO, lossAt(fd, off).why());
            return (int) (l.offset() - off);
        }
        return len;
    }

    /** The loss byte off lies in, touching losses joined (their reasons too); null when off is not lost. */
    private Loss lossAt(int fd, long off) {
        Loss run = null;
        for (Loss l : open.getOrDefault(fd, List.of())) {
            if (run == null) {
                if (l.offset() <= off && off < l.end()) run = l;
            } else if (l.offset() == run.end()) {
                run = new Loss(run.offset(), l.end(), run.why() + ", then " + l.why());
            } else {
                break;
            }
        }
        return run;
    }

    @Override
    public long lostUntil(int fd, long off, long blockEnd) {
        Loss l = lossAt(fd, off);
        return l == null ? drive.lostUntil(fd, off, blockEnd) : Math.min(blockEnd, l.end());
    }

    @Override
    public void close(int fd) {
        open.remove(fd);
        drive.close(fd);
    }

    @Override public boolean seekFree(int fd, Stat st) { return drive.seekFree(fd, st); }

    @Override public String unverifiable(int fd) { return drive.unverifiable(fd); }
}
