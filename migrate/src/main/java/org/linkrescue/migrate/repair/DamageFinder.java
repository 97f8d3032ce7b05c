package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.util.Set;
import org.linkrescue.migrate.fs.Stat;

/**
 * Says which inodes of SOURCE are damaged: a read test of the drive, or the JSON of an earlier
 * `scan --read-test`. Inode numbers only; the repair finds their paths itself, in one scan.
 */
public interface DamageFinder {
    Set<Long> damagedInodes(byte[] sourceRoot) throws IOException;

    /**
     * Whether the inode the repair's scan found is still the one found damaged: null when it
     * is, else why not (an inode number freed and given to a new file since an earlier scan).
     */
    default String mismatch(Stat scanned) { return null; }
}
