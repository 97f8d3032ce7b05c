package org.linkrescue.migrate.scan;

/**
 * Remembers the first path of every inode that has more links than the one in hand, until all
 * of its links have been seen ({@link InodeTable}): every later path of a linked inode becomes a
 * hard link to its first path.
 */
public final class LinkTable extends InodeTable<byte[]> {
    /** Returned by {@link #link} for an inode whose first path could not be read. */
    public static final byte[] FAILED = new byte[0];

    /**
     * Records one path of an inode with nlink links.
     *
     * @return null when this is the inode's first path (the caller writes its data), else the
     *         first path (the caller writes a hard link to it), or {@link #FAILED}
     */
    @Override
    public byte[] link(long dev, long ino, int nlink, byte[] path) { return super.link(dev, ino, nlink, path); }

    /**
     * An inode a stopped run had seen the first path of (null: it could not be read), with at
     * most remaining links to come: a resumed run links its later paths as that run would have.
     */
    public void seed(long dev, long ino, int remaining, byte[] firstPath) {
        if (remaining <= 0) return;
        link(dev, ino, remaining + 1, firstPath == null ? FAILED : firstPath);
    }

    /** Marks an inode whose data could not be read, so its other paths are not linked to it. */
    public void markFailed(long dev, long ino) { replace(dev, ino, FAILED); }
}
