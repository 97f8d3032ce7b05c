package org.linkrescue.migrate.repair;

import org.linkrescue.archive.Names;

/**
 * @param source       SOURCE, the tree on the drive to repair (raw bytes)
 * @param journal      the journal file; null means {@code SOURCE/.linkrescue-repair.journal}:
 *                     on the drive being repaired, so it travels with the tree it describes
 * @param dryRun       print the plan, change nothing (reading the drive is still done)
 * @param allowPartial repair an inode that has links outside SOURCE: those stay on the old
 *                     inode. Off by default because the user may not know those links exist.
 */
public record RepairOptions(byte[] source, byte[] journal, boolean dryRun, boolean allowPartial) {
    public byte[] journalFile() {
        return journal != null ? journal : Names.join(source, Journal.DEFAULT_NAME);
    }
}
