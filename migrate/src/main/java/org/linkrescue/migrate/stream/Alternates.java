package org.linkrescue.migrate.stream;

import java.io.IOException;
import java.util.List;
import org.linkrescue.migrate.fs.Stat;

/**
 * Where copies of what the drive could not read may be (a mirror's same snapshot, its rotated
 * ones, the original), and whether a copy equals an inode the drive can still read. Used to
 * fill a directory whose listing failed, or a name whose lstat failed, instead of leaving it
 * empty or out. A plain source has none.
 */
public interface Alternates {
    /** A copy of a path: where it is (absolute) and how provenance names it ("mirror:DIR/S/R"). */
    record Place(byte[] path, String origin) {}

    /** A drive inode a copy was found equal to: the other snapshot's path that names it, and its lstat. */
    record Match(byte[] path, Stat stat) {}

    /** Where copies of path (relative to SOURCE) may be, in the order to try them. */
    List<Place> places(byte[] path);

    /**
     * The drive's inode, at the same relative path in a neighbouring snapshot of path (the
     * nearest first), that the regular file at copy (absolute; lstat copyStat) equals: same size
     * and mtime, and every byte read from the drive now equal to the copy's. Null when none does,
     * or none could be read whole.
     */
    Match onDrive(byte[] path, byte[] copy, Stat copyStat) throws IOException;

    /** Tells the report: path (relative to SOURCE) could not be read, and what was made of it. */
    void unreadable(Unreadable u);

    /** Whether the report holds path as unreadable already (a stopped run this one resumes met it). */
    default boolean recorded(byte[] path) { return false; }

    /** What became of a directory or a name the drive could not read. */
    record Unreadable(byte[] path, boolean directory, String error, String filledFrom,
                      long pathsFilled, long pathsVerified, long pathsUnverified, List<byte[]> unverified) {}

    /** A source with no alternates: nothing can be filled. */
    Alternates NONE = new Alternates() {
        @Override public List<Place> places(byte[] path) { return List.of(); }
        @Override public Match onDrive(byte[] path, byte[] copy, Stat copyStat) { return null; }
        @Override public void unreadable(Unreadable u) {}
    };
}
