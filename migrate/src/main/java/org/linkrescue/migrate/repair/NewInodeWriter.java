package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.fs.Xattrs;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/**
 * Makes the replacement inode: a new file under a temp name beside the damaged one, holding
 * the repaired bytes, then the old inode's owner, xattrs, mode and times, in that order
 * (chown clears setuid/setgid and file capabilities; writing and setxattr would move the
 * times), then fsynced together with its directory. Nothing of SOURCE is changed but the
 * temp name; the caller removes it if this throws.
 */
final class NewInodeWriter {
    /** The finished new inode. xattrsNotCopied names each attribute left behind and why. */
    record Written(long newIno, String sha256, Provenance provenance, List<String> xattrsNotCopied) {}

    /** The content turned out to miss bytes: no repair may be made of it. */
    static final class LostBytesException extends IOException {
        LostBytesException(String why) { super(why); }
    }

    /**
     * @param oldFd the damaged inode, opened read-only (its data is never read here; its
     *              xattrs are)
     */
    Written write(int dirFd, byte[] tempName, int oldFd, Stat old, Content content) throws IOException {
        int fd = Posix.openat(dirFd, tempName,
                Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW, 0600);
        try {
            MessageDigest sha = sha256();
            long[] written = {0};
            content.feed((buf, off, len) -> {
                Posix.writeFully(fd, buf, off, len);
                sha.update(buf, off, len);
                written[0] += len;
            });
            if (written[0] != old.size()) {
                throw new LostBytesException("content gave " + written[0] + " of " + old.size() + " bytes");
            }
            Provenance prov = content.provenance();
            if (prov.damaged()) throw new LostBytesException(lostBytes(prov) + " unreadable byte(s) no verified copy could fill");
            Posix.fsync(fd);
            Posix.fchown(fd, old.uid(), old.gid());
            List<String> notCopied = copyXattrs(oldFd, fd);
            Posix.fchmod(fd, old.perm());
            Posix.futimens(fd, old.atimeSec(), old.atimeNsec(), old.mtimeSec(), old.mtimeNsec());
            Posix.fsync(fd);
            long ino = Posix.fstat(fd).ino();
            Posix.fsync(dirFd);
            return new Written(ino, HexFormat.of().formatHex(sha.digest()), prov, notCopied);
        } finally {
            Posix.close(fd);
        }
    }

    /** Copies every attribute the kernel lists; each one that fails is named, the rest go on. */
    static List<String> copyXattrs(int from, int to) throws PosixException {
        List<String> failed = new ArrayList<>();
        List<byte[]> names;
        try {
            names = Xattrs.list(from);
        } catch (PosixException e) {
            // A filesystem without xattr support has none to lose.
            if (e.errno() == Errno.EOPNOTSUPP) return failed;
            throw e;
        }
        for (byte[] name : names) {
            try {
                Xattrs.set(to, name, Xattrs.get(from, name));
            } catch (PosixException e) {
                failed.add(Names.display(name) + ": " + e.call() + " " + e.reason());
            }
        }
        return failed;
    }

    static long lostBytes(Provenance p) {
        long n = 0;
        for (Provenance.Range r : p.ranges()) if (r.origin().equals("zero")) n += r.length();
        return n;
    }

    /** Reads a content to its end without keeping it: --dry-run learns what a repair would write. */
    static Written consumeOnly(Content content, long size) throws IOException {
        MessageDigest sha = sha256();
        long[] n = {0};
        content.feed((buf, off, len) -> { sha.update(buf, off, len); n[0] += len; });
        if (n[0] != size) throw new LostBytesException("content gave " + n[0] + " of " + size + " bytes");
        Provenance prov = content.provenance();
        if (prov.damaged()) throw new LostBytesException(lostBytes(prov) + " unreadable byte(s) no verified copy could fill");
        return new Written(-1, HexFormat.of().formatHex(sha.digest()), prov, List.of());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
        }
    }
}
