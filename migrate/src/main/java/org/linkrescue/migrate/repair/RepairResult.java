package org.linkrescue.migrate.repair;

import java.util.List;

/**
 * Everything one repair run did.
 *
 * @param resumed  inodes of a killed run's journal completed first
 * @param inodes   every damaged inode found under SOURCE, with what was done to it
 * @param notFound damaged inode numbers no path under SOURCE names (already repaired, or gone)
 */
public record RepairResult(boolean dryRun, List<ResumedInode> resumed, List<InodeOutcome> inodes, List<Long> notFound) {
    /** True when every damaged inode is (or, dry, would be) repaired at all its links. */
    public boolean allRepaired() {
        return inodes.stream().allMatch(o -> o.status().complete())
                && resumed.stream().allMatch(ResumedInode::complete);
    }

    public long count(InodeOutcome.Status s) { return inodes.stream().filter(o -> o.status() == s).count(); }
}
