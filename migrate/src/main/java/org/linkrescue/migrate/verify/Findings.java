package org.linkrescue.migrate.verify;

import java.util.List;
import org.linkrescue.migrate.drive.ByteRange;

/** Where a verification puts what it finds, as it finds it (never collected in memory first). */
public interface Findings {
    void difference(Difference d);

    /**
     * Bytes of path that SOURCE could not read (a failing drive): not compared, and not a
     * difference.
     */
    void unverifiable(byte[] path, List<ByteRange> ranges, String why);
}
