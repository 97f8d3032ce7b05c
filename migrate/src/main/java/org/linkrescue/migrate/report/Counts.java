package org.linkrescue.migrate.report;

import java.io.IOException;
import org.linkrescue.migrate.stream.Json;

/**
 * The one vocabulary of counts, for every command's summary line and every report's "counts"
 * object (README, "Counts"): a path is one name in the tree; an inode is what its paths name
 * (its bytes stored once); a hard link is a path beyond the first of its inode, so paths =
 * inodes + hard links; files, directories, symlinks and special files are inodes of each type;
 * bytes are file data, each inode's once.
 */
public record Counts(long paths, long inodes, long files, long directories, long symlinks, long specialFiles, long bytes) {
    public long hardLinks() { return paths - inodes; }

    /** What went through a run's sink: an entry that is not a hard link is an inode's first path. */
    public static Counts of(RunTotals t) {
        return new Counts(t.paths(), t.paths() - t.hardLinks(), t.files(), t.dirs(), t.symlinks(), t.specials(), t.bytes());
    }

    /** "1,555 paths (412 inodes, 1,143 hard links): 409 files, 2 directories, 1 symlink, 1.2 MiB". */
    public String text() {
        StringBuilder sb = new StringBuilder(Summary.count(paths, "path"))
                .append(" (").append(Summary.count(inodes, "inode")).append(", ").append(Summary.count(hardLinks(), "hard link"))
                .append("): ").append(Summary.count(files, "file")).append(", ").append(Summary.count(directories, "directory"));
        if (symlinks > 0) sb.append(", ").append(Summary.count(symlinks, "symlink"));
        if (specialFiles > 0) sb.append(", ").append(Summary.count(specialFiles, "special file"));
        return sb.append(", ").append(Summary.bytes(bytes)).toString();
    }

    /** The "counts" object every report carries. */
    public void write(Json j) throws IOException {
        j.name("counts").beginObject().field("paths", paths).field("inodes", inodes).field("hardLinks", hardLinks())
                .field("files", files).field("directories", directories).field("symlinks", symlinks)
                .field("specialFiles", specialFiles).field("bytes", bytes).endObject();
    }
}
