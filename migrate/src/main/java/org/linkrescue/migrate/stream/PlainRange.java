package org.linkrescue.migrate.stream;

/**
 * A content ability ({@link Content#as}): its bytes [0, size) lie as they are in a plain file,
 * from {@link #offset()} on (an undamaged source file, an entry inside an uncompressed archive
 * file), so a sink may copy them kernel-side instead of having them fed. A sink that copies from
 * it must not call {@link Content#feed}.
 */
public interface PlainRange {
    /** A descriptor of the file, positioned nowhere in particular (copies go by offset). */
    int fd();

    /** Where byte 0 of the content lies in {@link #fd()}'s file: 0 for a source file, the data offset in an archive. */
    long offset();
}
