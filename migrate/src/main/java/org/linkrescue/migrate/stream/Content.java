package org.linkrescue.migrate.stream;

import java.io.Closeable;
import java.io.IOException;

/**
 * The data of one FILE entry, produced once and consumed once. A content always delivers
 * exactly {@link #size()} bytes, whatever happened while reading: the tar header announced the
 * size before the data, so the stream must stay valid. What was damaged is described by
 * {@link #provenance()} once {@link #feed} has returned.
 */
public interface Content extends Closeable {
    long size();

    /** Delivers the bytes in order, exactly size() in all, then returns. Call at most once. */
    void feed(Chunks out) throws IOException;

    /**
     * A descriptor positioned nowhere in particular from which bytes [0, size) may be copied
     * kernel-side as they are (an undamaged source file), or -1 when the bytes must be fed. A
     * sink that copies from it must not call {@link #feed}, and must call {@link #copied} after.
     */
    default int plainFd() { return -1; }

    /**
     * Where byte 0 of this content lies in {@link #plainFd()}'s file: 0 for a source file, the
     * data offset for an entry inside an uncompressed archive file. Only meaningful with plainFd.
     */
    default long plainOffset() { return 0; }

    /**
     * For a sink that writes the bytes after accept returns, on a thread of its own: a handle on
     * the same bytes that stays valid until it is closed, or null when the content must be
     * consumed inside accept (its bytes come from a stream the producer reads on, or from a
     * drive that reading two files at once would make seek). The sink closes the handle once
     * done; the producer still closes this content as usual.
     */
    default Content retain() { return null; }

    /**
     * Whether the consumption of these bytes has ended, so {@link #provenance()} is final: true
     * except while a handle from {@link #retain} that reads as it writes (a large file, read from
     * the drive on the sink's data thread) is still at work.
     */
    default boolean settled() { return true; }

    /**
     * Whether the bytes are in memory already, in a buffer the producer's next open reuses: a
     * read-ahead then copies them at once, on the producer's thread ({@link #copyPrefix}).
     */
    default boolean readAlready() { return false; }

    /**
     * Hands as many leading bytes as it can to target from native memory (never through the Java
     * heap), and returns how many: size() when all went, 0 when this content cannot. The rest,
     * from there, is then delivered by {@link #feedFrom}. Used at most once, before any feeding.
     * A source that fails part-way stops there, and feedFrom takes over (with the rescue, if
     * any) from that byte.
     */
    default long copyPrefix(DirectTarget target) throws IOException { return 0; }

    /** Delivers the bytes [from, size()) after {@link #copyPrefix} returned from; from 0 it is {@link #feed}. */
    default void feedFrom(long from, Chunks out) throws IOException {
        if (from != 0) throw new IllegalStateException("this content copies nothing kernel-side");
        feed(out);
    }

    /** Tells a content whose plainFd was used that its bytes were consumed. */
    default void copied() throws IOException {}

    /** Where each byte range came from; valid once the bytes have been consumed. */
    Provenance provenance();

    @Override default void close() throws IOException {}

    /** Receives bytes a content holds in native memory: the buffer's remaining bytes, valid during the call only. */
    @FunctionalInterface
    interface DirectTarget {
        void fromBuffer(java.nio.ByteBuffer direct) throws IOException;

        /**
         * A file the content may write its leading bytes into itself, each at its own offset
         * (pwrite), instead of handing them over; -1 for none. Its file position is not moved.
         */
        default int descriptor() { return -1; }

        /** Writing into {@link #descriptor()} failed: the target's failure, thrown from here. */
        default void writeFailed(org.linkrescue.migrate.fs.PosixException e) throws IOException { throw e; }

        /**
         * Whether {@link #replace} can give the file a fresh inode. Only then may a content copy
         * into {@link #descriptor()} with a call that, once given up for lost, may still write
         * (a kernel-side copy of a chunk of a failing drive).
         */
        default boolean replaceable() { return false; }

        /**
         * A call given up for lost may still write into {@link #descriptor()}'s file: that inode
         * is let go, and its name taken over by a fresh file holding its first keep bytes, so a
         * late write lands in a file nobody will see. {@link #descriptor()} is the fresh file's
         * from then on, its position undefined.
         *
         * @throws org.linkrescue.migrate.fs.PosixException the target could not (its failure)
         */
        default void replace(long keep) throws IOException {
            throw new UnsupportedOperationException("this target cannot give its file a fresh inode");
        }
    }

    /** Receives a content's bytes. The array is only valid during the call. */
    @FunctionalInterface
    interface Chunks {
        void accept(byte[] buf, int off, int len) throws IOException;
    }
}
