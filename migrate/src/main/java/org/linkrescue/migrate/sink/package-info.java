/**
 * Where the entry stream ends up. {@link org.linkrescue.migrate.sink.DiskSink} is the one class
 * that writes to the target directory; for each entry it
 * <ol>
 *   <li>cleans the path and refuses, before touching the disk, absolute paths, any ".."
 *       component, NUL bytes and empty paths ({@code SafePath});</li>
 *   <li>finds the parent by walking from the target's root descriptor one component at a time
 *       with O_DIRECTORY|O_NOFOLLOW, so a parent that is a symlink or not a directory refuses
 *       the entry; missing parents are made 0700 ({@code DirCursor}, which keeps a bounded stack
 *       of open descriptors so depth-first streams pay one openat per new level);</li>
 *   <li>creates the object with one exclusive call (O_CREAT|O_EXCL|O_NOFOLLOW, mkdirat,
 *       symlinkat, linkat without follow, mknodat): an existing path is never overwritten and
 *       never followed, and is refused as "exists" (a directory over a directory merges);</li>
 *   <li>writes a file's data kernel-side when the content offers a plain descriptor (an
 *       archive's range), lets the content write it at its offsets (a large file off the drive:
 *       the read workers do), takes it from native memory (the read-ahead ring), else as it is
 *       fed ({@code FileData}); bytes already in memory, and large files a content lets go
 *       ({@code Content.retain}), are written on a data thread ({@code DataThreadFiles} over
 *       {@code DataWriters}) while the sink goes on, and settled back on the sink's thread;</li>
 *   <li>gives each object its owner (numeric, root only), extended attributes and ACLs, mode
 *       (after chown, which clears setuid) and nanosecond mtime, each only when the new file does
 *       not have it already (a file is made with its permission bits) ({@code MetadataWriter},
 *       {@code XattrWriter});</li>
 *   <li>lets a hard link name only a regular file whose inode an earlier entry of this run
 *       created ({@code CreatedInodes}), or a path an earlier entry made and kept
 *       ({@code CreatedPaths}, bounded: no lstat then, and the link is made from the latest link
 *       to that path, whose directory is open already); link-target directories are kept open by
 *       path ({@code DirCache}); at the target's link limit (EMLINK) writes a separate copy read
 *       back from the target and sends later links there ({@code LinkCopies}); all in
 *       {@code HardLinks}, over the tables every lane shares ({@code LinkTargets});</li>
 *   <li>keeps each directory's mode, owner, mtime and ACLs in a tree of names (a node per
 *       directory, never its whole path: depth costs linear time and memory) and applies them in
 *       {@code finish()}, children before parents, by a fresh no-follow walk of that tree that
 *       holds a bounded number of descriptors and climbs back by ".." checked against the
 *       device and inode it let go ({@code DirTree}, {@code DirectoryFinisher}).</li>
 * </ol>
 * Entries are made by {@code EntryWriter}, on the caller's thread or, with lanes, by one thread
 * per core, each in directories of its own ({@code Lanes}, {@code LaneMap}: within a directory
 * in stream order; across lanes each entry waits for what it depends on), so several lanes make
 * the tree, refusals and link partition one thread makes.
 * A refused entry is reported FAILED and its data still consumed so the stream stays in step;
 * metadata that cannot be restored is a WARN; a full, read-only or failing target (ENOSPC,
 * EDQUOT, EROFS, EIO) is FATAL and thrown as {@link org.linkrescue.migrate.sink.TargetWriteException}.
 *
 * <p>Not guaranteed: with lanes, that problems are reported in the entries' order, or that an
 * entry is made when accept returns ({@code DiskSink.drain} waits for that); protection against another process that renames or swaps directories inside
 * the target while an extraction runs (descriptors kept between entries would follow a moved
 * directory; the final metadata pass re-walks, but the window is not closed); atime (left as the
 * time of extraction); extended attributes or ACLs the target refuses (each a WARN); a file whose source ended early
 * or failed to read (removed and reported, not zero-filled); the owner of implicit directories
 * (the extracting user, mode 0755, mtime of the extraction).
 */
package org.linkrescue.migrate.sink;
