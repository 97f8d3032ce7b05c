package org.linkrescue.migrate.stream;

import java.io.IOException;

/**
 * A content ability ({@link Content#as}): its bytes have holes, ranges that read as zeros and
 * hold no blocks on disk (a sparse source file, a sparse tar entry). A sink that keeps holes
 * asks for the data alone, each chunk with its offset, and leaves the rest unwritten; a file of
 * 1 TiB with a few bytes of data then costs a few bytes, never a TiB of zeros. {@link
 * Content#feed} still delivers every byte, zeros in the holes, to a sink that cannot.
 */
public interface SparseData {
    /**
     * Where the data lies, known before any byte is fed: (offset, length) pairs in file order,
     * not touching; everything else of size() is a hole. {@link #feedData} delivers exactly
     * these bytes (an archive's sparse map is written from them first).
     */
    long[] runs();

    /**
     * Delivers only the data, in order, each chunk with the offset in the file of its first
     * byte; what no chunk covers is a hole, up to size(). Use instead of {@link Content#feed}, at
     * most once.
     */
    void feedData(DataChunks out) throws IOException;

    /** Receives a sparse content's data. The array is only valid during the call. */
    @FunctionalInterface
    interface DataChunks {
        void accept(long at, byte[] buf, int off, int len) throws IOException;
    }
}
