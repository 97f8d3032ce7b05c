package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.util.Set;

/**
 * Says which inodes of SOURCE are damaged: a read test of the drive, or the JSON of an earlier
 * `scan --read-test`. Inode numbers only; the repair finds their paths itself, in one scan.
 */
public interface DamageFinder {
    Set<Long> damagedInodes(byte[] sourceRoot) throws IOException;
}
