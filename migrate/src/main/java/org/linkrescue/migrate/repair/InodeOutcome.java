package org.linkrescue.migrate.repair;

import java.util.List;
import org.linkrescue.migrate.stream.Provenance;

/**
 * What the repair did with one damaged inode, for the report.
 *
 * @param newIno     the replacement inode, or -1 when none was made
 * @param moved      paths that now name the new inode
 * @param stayed     paths left on the old inode, each with its reason
 * @param goodSource where the bad ranges' bytes came from, or null
 * @param provenance the source of every byte range written, or null when nothing was written
 * @param sha256     of the content written, or null
 * @param reason     why the inode was left as it is (statuses other than REPAIRED/PLANNED)
 * @param notes      the good-data search's notes (rejected candidates and why)
 */
public record InodeOutcome(Status status, DamagedInode inode, long newIno, List<byte[]> moved, List<Stayed> stayed,
                           String goodSource, Provenance provenance, String sha256, List<String> xattrsNotCopied,
                           String reason, List<String> notes) {

    public enum Status {
        /** Every path of the inode names the new inode, which holds the good data. */
        REPAIRED,
        /** --dry-run: would be repaired. */
        PLANNED,
        /** A new inode was made, but some paths stay on the old one (listed). */
        PARTIAL,
        /** No acceptable good copy: left as it is. */
        NO_CANDIDATE,
        /** The inode has links outside SOURCE and --allow-partial was not given: left as it is. */
        LINKS_OUTSIDE_SOURCE,
        /** Something failed before any path was moved: left as it is. */
        FAILED;

        /** Statuses under which the inode's data is fully good at every path the kernel counts. */
        public boolean complete() { return this == REPAIRED || this == PLANNED; }
    }

    static InodeOutcome leftAsIs(Status status, DamagedInode inode, String reason, List<String> notes) {
        return new InodeOutcome(status, inode, -1, List.of(), List.of(), null, null, null, List.of(), reason, notes);
    }
}
