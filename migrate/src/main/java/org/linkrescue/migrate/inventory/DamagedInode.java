package org.linkrescue.migrate.inventory;

import java.util.List;
import org.linkrescue.migrate.rescue.ByteRange;

/**
 * An inode the read test could not read in full: the bad-block-to-file map's one line.
 *
 * @param paths  every path of the tree that names the inode, in walk order
 * @param ranges the byte ranges that could not be read
 * @param errors what failed, e.g. "read: EIO (Input/output error)"
 */
public record DamagedInode(long ino, long size, List<byte[]> paths, List<ByteRange> ranges, List<String> errors) {
    public long badBytes() {
        long n = 0;
        for (ByteRange r : ranges) n += r.length();
        return n;
    }
}
