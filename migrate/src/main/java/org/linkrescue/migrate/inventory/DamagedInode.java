package org.linkrescue.migrate.inventory;

import java.util.List;
import org.linkrescue.migrate.drive.ByteRange;

/**
 * An inode the read test could not read in full: the bad-block-to-file map's one line.
 *
 * @param mtimeSec the inode's mtime, so a later repair can tell it from an inode that got its number since
 * @param paths  every path of the tree that names the inode, in walk order
 * @param ranges the byte ranges that could not be read
 * @param errors what failed, e.g. "read: EIO (Input/output error)"
 */
public record DamagedInode(long ino, long size, long mtimeSec, int mtimeNsec, List<byte[]> paths, List<ByteRange> ranges, List<String> errors) {
    /** "SEC.NSEC", the form the rescue report and repair --from-scan use. */
    public String mtime() { return mtimeSec + "." + String.format("%09d", mtimeNsec); }

    public long badBytes() {
        long n = 0;
        for (ByteRange r : ranges) n += r.length();
        return n;
    }
}
