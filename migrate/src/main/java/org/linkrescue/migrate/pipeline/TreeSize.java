package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.report.Counts;
import org.linkrescue.migrate.scan.LinkTable;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.scan.ScannedPath;
import org.linkrescue.migrate.scan.ScanCalls;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.stream.Problems;

/**
 * What a migrate or an archive would write, from one walk of the tree's metadata (no file is
 * read): the counts, the room it takes on a target file system (each file's data rounded up to
 * the target's block, a block per directory and per symlink too long to live in its inode: at
 * least that much) and the size of the uncompressed archive (a header and a pax header per
 * entry, data padded to 512, the end). A sparse file's data is what it has allocated: its holes
 * are kept as holes.
 *
 * @param diskBytes    room on a target with blocks of the size given
 * @param archiveBytes about the size of the uncompressed tar
 */
public record TreeSize(Counts counts, long diskBytes, long archiveBytes) {
    /** A symlink target up to this long is kept in the inode itself (ext4's fast symlinks; XFS's are longer). */
    private static final int INLINE_SYMLINK = 59;

    public static TreeSize measure(byte[] root, PathFilter filter, Problems problems, long blockSize) throws IOException {
        return measure(root, filter, problems, blockSize, ScanCalls.DIRECT);
    }

    /** As {@link #measure(byte[], PathFilter, Problems, long)}, its calls on the drive made through calls (timed ones, or recording ones). */
    public static TreeSize measure(byte[] root, PathFilter filter, Problems problems, long blockSize, ScanCalls calls) throws IOException {
        long[] n = new long[9]; // paths, inodes, files, dirs, symlinks, specials, bytes, disk, archive
        LinkTable links = new LinkTable();
        new TreeScanner(problems, filter, calls).walk(root, new TreeScanner.Visitor() {
            @Override public void visit(ScannedPath p) {
                Stat st = p.stat();
                n[0]++;
                n[8] += 1536; // its header, and a pax header (a block and a block of records)
                if (!st.isDir() && st.nlink() > 1 && links.link(st.devId(), st.ino(), st.nlink(), p.path()) != null) return;
                n[1]++;
                switch (st.type()) {
                    case Stat.S_IFREG -> {
                        n[2]++;
                        n[6] += st.size();
                        // A sparse file's holes stay holes (migrate and archive keep them): its data is what is allocated.
                        long data = Math.min(st.size(), st.blocks() * 512);
                        n[7] += (data + blockSize - 1) / blockSize * blockSize;
                        n[8] += (data + 511) / 512 * 512;
                    }
                    case Stat.S_IFDIR -> { n[3]++; n[7] += blockSize; }
                    case Stat.S_IFLNK -> { n[4]++; if (st.size() > INLINE_SYMLINK) n[7] += blockSize; }
                    default -> n[5]++;
                }
            }
        });
        return new TreeSize(new Counts(n[0], n[1], n[2], n[3], n[4], n[5], n[6]), n[7], n[8] + 10240);
    }
}
