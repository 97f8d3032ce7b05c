package org.linkrescue.migrate.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.linkrescue.migrate.fs.PosixException;

/**
 * A content ability ({@link Content#as}): it hands as many leading bytes as it can to a target
 * from native memory, or writes them into the target's file itself (a large file straight off
 * the drive), never through the Java heap; {@link #feedFrom} delivers the rest. A sink uses it
 * instead of {@link Content#feed}, at most once, before any feeding.
 */
public interface DirectCopy {
    /**
     * Hands as many leading bytes as it can to target and returns how many: size() when all
     * went, 0 when this content cannot now. A source that fails part-way stops there, and
     * {@link #feedFrom} takes over (with the rescue, if any) from that byte.
     */
    long copyPrefix(DirectTarget target) throws IOException;

    /** Delivers the bytes [from, size()) after {@link #copyPrefix} returned from. */
    void feedFrom(long from, Content.Chunks out) throws IOException;

    /**
     * Whether the bytes are in memory already, in a buffer the producer's next open reuses: a
     * read-ahead then copies them at once, on the producer's thread ({@link #copyPrefix}).
     */
    default boolean readAlready() { return false; }

    /** Receives bytes a content holds in native memory: the buffer's remaining bytes, valid during the call only. */
    @FunctionalInterface
    interface DirectTarget {
        void fromBuffer(ByteBuffer direct) throws IOException;

        /**
         * A file the content may write its leading bytes into itself, each at its own offset
         * (pwrite), instead of handing them over; -1 for none. Its file position is not moved.
         */
        default int descriptor() { return -1; }

        /** Writing into {@link #descriptor()} failed: the target's failure, thrown from here. */
        default void writeFailed(PosixException e) throws IOException { throw e; }

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
         * @throws PosixException the target could not (its failure)
         */
        default void replace(long keep) throws IOException {
            throw new UnsupportedOperationException("this target cannot give its file a fresh inode");
        }
    }
}
