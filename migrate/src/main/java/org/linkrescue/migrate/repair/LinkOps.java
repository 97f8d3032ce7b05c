package org.linkrescue.migrate.repair;

import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;

/**
 * The two calls that move a path to the new inode. A seam for tests only: the real calls are
 * {@link #POSIX}; tests wrap them to refuse a link (EMLINK, since a filesystem with a small link
 * limit is hard to come by) or to die after some renames (a killed run).
 */
public interface LinkOps {
    void link(int oldDir, byte[] oldName, int newDir, byte[] newName) throws PosixException;

    void rename(int oldDir, byte[] oldName, int newDir, byte[] newName) throws PosixException;

    LinkOps POSIX = new LinkOps() {
        @Override public void link(int oldDir, byte[] oldName, int newDir, byte[] newName) throws PosixException {
            Posix.linkAt(oldDir, oldName, newDir, newName);
        }

        @Override public void rename(int oldDir, byte[] oldName, int newDir, byte[] newName) throws PosixException {
            Posix.renameAt(oldDir, oldName, newDir, newName);
        }
    };
}
