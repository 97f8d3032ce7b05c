package org.linkrescue.migrate.stream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.linkrescue.migrate.fs.Stat;

/**
 * Opens the data of a regular file the scan found, once per inode (the first of its paths).
 * The plain source reads the drive as it is; the rescue source reads through bad blocks and
 * splices from alternates. Either way the returned content owns its descriptor.
 */
public interface ContentSource {
    /**
     * @param path     the file's path relative to the tree root (raw bytes)
     * @param parentFd the directory holding it; valid only during this call
     * @param name     its name in that directory
     * @param stat     what lstat said of it during the scan (size and mtime are the contract)
     * @throws IOException when the file cannot be opened at all and no alternate can stand in;
     *                     the caller reports the path as FAILED and leaves it (and its links) out,
     *                     unless it is {@link Reported}
     */
    Content open(byte[] path, int parentFd, byte[] name, Stat stat) throws IOException;

    /**
     * Starts opening, so the caller can go on scanning while the drive answers; {@link
     * Opening#finish} gives what {@link #open} would have. parentFd must stay open until then.
     * The caller may have up to {@link #opensInFlight} opens started and not finished, and
     * finishes them in the order it started them. The default opens at once.
     */
    default Opening startOpen(byte[] path, int parentFd, byte[] name, Stat stat) {
        Content c;
        try {
            c = open(path, parentFd, name, stat);
        } catch (IOException e) {
            return new Opening() {
                @Override public boolean done() { return true; }
                @Override public Content finish() throws IOException { throw e; }
            };
        }
        return new Opening() {
            @Override public boolean done() { return true; }
            @Override public Content finish() { return c; }
        };
    }

    /**
     * {@link #startOpen}, and a source that can also reads a file of up to readUpTo bytes with
     * the open (then {@link DirectCopy#readAlready} says so); the default only opens.
     */
    default Opening startOpen(byte[] path, int parentFd, byte[] name, Stat stat, long readUpTo) {
        return startOpen(path, parentFd, name, stat);
    }

    /**
     * Where copies of what the drive could not read may be, for a scan of the tree at
     * sourceRoot (see {@link Alternates}); the default has none.
     */
    default Alternates alternates(byte[] sourceRoot) { return Alternates.NONE; }

    /**
     * Called once the whole tree has streamed into sink (every entry taken), before the sink is
     * finished: a source that left contents pending ({@link Provenance#pending}: a rescue in
     * passes) reads and splices what it left, and gives sink the final bytes where it takes them
     * ({@link PendingFiles}). The default has nothing pending.
     *
     * @param sourceRoot the tree's root, which the paths given to {@link #open} are relative to
     */
    default void settlePending(byte[] sourceRoot, EntrySink sink) throws IOException {}

    /** How many opens (or runs of opens, see {@link #startOpens}) a caller may have in flight at once. */
    default int opensInFlight() { return 1; }

    /** A file to open: the arguments of {@link #startOpen}. */
    record OpenRequest(byte[] path, int parentFd, byte[] name, Stat stat) {}

    /**
     * Starts opening a run of files at once (each as {@link #startOpen} with readUpTo); a source
     * may hand the run to the drive in one go. The run counts as one of the {@link
     * #opensInFlight}; its openings are finished in order.
     */
    default List<Opening> startOpens(List<OpenRequest> files, long readUpTo) {
        List<Opening> out = new ArrayList<>(files.size());
        for (OpenRequest f : files) out.add(startOpen(f.path(), f.parentFd(), f.name(), f.stat(), readUpTo));
        return out;
    }

    /** An open in progress (see {@link #startOpen}). */
    interface Opening {
        /** Whether {@link #finish} would return without waiting. */
        boolean done();

        /** The opened content, or the exception {@link ContentSource#open} would have thrown. */
        Content finish() throws IOException;

        /**
         * Gives the open up if it has not begun (a run that is ending): true when nothing was
         * opened, and then {@link #finish} is not called; false when the caller must finish it
         * and close the content.
         */
        default boolean cancel() { return false; }
    }

    /**
     * The open failed and the source has already reported the path itself (with more than the
     * caller could say: which alternates it tried): the caller leaves it out without a second
     * line. One problem, one line. The cause is the failure itself.
     */
    final class Reported extends IOException {
        public Reported(IOException cause) { super(cause.getMessage(), cause); }
    }
}
