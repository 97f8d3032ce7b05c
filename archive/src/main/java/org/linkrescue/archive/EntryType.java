package org.linkrescue.archive;

/** What an entry makes on disk. Sockets have no type: they cannot be archived. */
public enum EntryType {
    FILE, HARDLINK, SYMLINK, DIRECTORY, FIFO, CHAR_DEVICE, BLOCK_DEVICE;

    public boolean hasData() { return this == FILE; }
}
