package org.linkrescue.archive;

/**
 * One entry is well-formed but of a kind we do not reproduce (sparse files, GNU incremental
 * dump directories, volume labels, multi-volume continuations, unknown type flags). Unlike a
 * {@link TarFormatException} this is recoverable: the reader has already skipped the entry's
 * data, so the caller reports the entry and calls {@link TarReader#next()} again. Producing
 * the entry anyway would mean writing bytes we cannot vouch for.
 */
public class UnsupportedEntryException extends TarFormatException {
    private final byte[] path;

    public UnsupportedEntryException(String message, byte[] path) {
        super(message);
        this.path = path;
    }

    /** The entry's raw path, as the archive names it (normalized like any other entry). */
    public byte[] path() { return path.clone(); }
}
