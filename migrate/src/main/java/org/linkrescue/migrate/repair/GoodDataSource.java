package org.linkrescue.migrate.repair;

import java.io.IOException;

/**
 * Finds the good bytes of a damaged inode. The rescue reader and candidate verifier stand behind
 * it in the command; tests use plain files. It only reads: nothing under SOURCE changes.
 */
public interface GoodDataSource {
    /**
     * @param rootFd SOURCE's directory descriptor, valid during the call
     * @throws IOException when the inode cannot be examined at all (reported, inode left alone)
     */
    GoodData locate(int rootFd, DamagedInode inode) throws IOException;
}
