package org.linkrescue.migrate.ddrescue;

import org.linkrescue.migrate.drive.ByteRange;

/**
 * Bytes [offset, end) of one file that lie in an unrescued area of the mapfile, at device byte
 * devicePos; or, with status null, bytes whose place on the device is not known (see why).
 */
public record MappedRange(long offset, long end, BlockStatus status, long devicePos, String why) {
    public ByteRange range() { return new ByteRange(offset, end - offset); }

    /** Whether the file system could not place these bytes (rather than the map saying they are lost). */
    public boolean unplaced() { return status == null; }

    /** "not rescued by ddrescue ('-' bad sector at device byte 8658944)", the reason a read of it fails. */
    public String reason() {
        if (unplaced()) return "not placed on the image: " + why;
        return "not rescued by ddrescue: '" + status.symbol() + "' " + status.meaning() + " at device byte " + devicePos;
    }
}
