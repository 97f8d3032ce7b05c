package org.linkrescue.migrate.verify;

import java.util.Locale;

/** What differs at one path. The JSON and the summary name each kind by {@link #word()}. */
public enum DiffKind {
    /** In SOURCE, not in TARGET (or not in the archive). */
    MISSING,
    /** In TARGET (or in the archive), not in SOURCE. */
    EXTRA,
    /** A file here, a symlink (or directory, ...) there. */
    TYPE,
    /** Size or bytes differ (bytes SOURCE could not read are not compared). */
    CONTENT,
    /** Permission bits, setuid, setgid and sticky included. */
    MODE,
    /** Numeric uid or gid. */
    OWNER,
    /** Modification time, to the nanosecond. */
    MTIME,
    SYMLINK_TARGET,
    /** Major/minor of a character or block device. */
    DEVICE,
    /** Extended attributes (ACLs included): one missing, added or with another value. */
    XATTR,
    /** Paths that share an inode in SOURCE do not share one in TARGET. */
    BROKEN_LINK,
    /** Paths share an inode in TARGET that did not share one in SOURCE. */
    MERGED_LINK,
    /** A spliced inode's content in TARGET is not what the rescue report says it wrote. */
    RESCUE_HASH,
    /** verify --sparse: a hole of SOURCE holds data in TARGET (the bytes may well be equal). */
    SPARSE;

    public String word() { return name().toLowerCase(Locale.ROOT).replace('_', '-'); }
}
