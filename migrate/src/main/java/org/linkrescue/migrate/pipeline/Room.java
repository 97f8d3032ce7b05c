package org.linkrescue.migrate.pipeline;

import java.util.Locale;
import org.linkrescue.migrate.fs.FsSpace;
import org.linkrescue.migrate.report.Summary;

/**
 * Whether a tree fits a file system: the room it needs (bytes, and inodes where the file system
 * has a fixed number of them) against what statfs says is free there.
 */
public record Room(long needBytes, long needInodes, long freeBytes, long freeInodes, boolean inodesCounted) {
    /** What writing the tree as files needs on fs (as root, the reserved blocks count as free). */
    public static Room forTree(TreeSize t, FsSpace fs, boolean root) {
        return new Room(t.diskBytes(), t.counts().inodes(), fs.freeBytesFor(root), fs.freeInodes(), fs.limitsInodes());
    }

    /** What writing the tree as one uncompressed archive file needs on fs. */
    public static Room forArchive(TreeSize t, FsSpace fs, boolean root) {
        return new Room(t.archiveBytes(), 1, fs.freeBytesFor(root), fs.freeInodes(), fs.limitsInodes());
    }

    /**
     * Whether a tree on source's file system surely fits on target's, from the two statfs
     * counts alone (no walk): all that source's file system holds fits, blocks and inodes, with
     * 5% to spare. Not when source may compress (its blocks in use then undercount the data).
     * A sparse file's holes stay holes in the copy, so its blocks in use are what it needs.
     */
    public static boolean surelyFits(FsSpace source, FsSpace target, boolean root) {
        if (source.mayCompress()) return false;
        long free = target.freeBytesFor(root);
        boolean bytes = source.usedBytes() + source.usedBytes() / 20 <= free;
        boolean inodes = !target.limitsInodes()
                || (source.limitsInodes() && source.usedInodes() + source.usedInodes() / 20 <= target.freeInodes());
        return bytes && inodes;
    }

    public boolean fits() { return needBytes <= freeBytes && (!inodesCounted || needInodes <= freeInodes); }

    /** "needs about 2.31 GiB and 19,407 inodes; has 931 GiB and 61,054,976 inodes free". */
    public String text() {
        String need = "needs about " + Summary.bytes(needBytes) + (inodesCounted ? " and " + Summary.count(needInodes, "inode") : "");
        String free = "has " + Summary.bytes(freeBytes) + (inodesCounted ? String.format(Locale.ROOT, " and %,d inodes", freeInodes) : "")
                + " free" + (inodesCounted ? "" : " (it makes inodes as it needs them)");
        return need + "; " + free;
    }
}
