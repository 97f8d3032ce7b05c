package org.linkrescue.migrate.fs;

import com.kenai.jffi.MemoryIO;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;

/**
 * Native memory whose pages are made when they are first written, not when it is allocated.
 * allocateDirect writes every byte of its buffer at once, and on a virtual machine that gives
 * its free memory back to the host each new page is a fault there: 19 us per 4 KiB page
 * measured on the 2-core test machine (a 64 MiB ring: 0.3-0.4 s of CPU), against 0.1 us for a
 * page already made. malloc leaves the pages unmade until a reader first copies into them, and
 * a ring that keeps to the front of its memory ({@code PreReadRing}) never makes the rest.
 * The memory is freed when the buffer and every slice of it are unreachable.
 */
public final class LazyMemory {
    private static final Cleaner CLEANER = Cleaner.create();

    private LazyMemory() {}

    /** A direct buffer of size bytes, unzeroed; allocateDirect's where malloc is not to be had. */
    public static ByteBuffer allocate(int size) {
        try {
            MemoryIO io = MemoryIO.getInstance();
            long address = io.allocateMemory(size, false);
            if (address == 0) return ByteBuffer.allocateDirect(size);
            ByteBuffer b = io.newDirectByteBuffer(address, size);
            // A slice holds its root buffer (its attachment): the memory outlives every slice.
            CLEANER.register(b, () -> io.freeMemory(address));
            return b;
        } catch (LinkageError | RuntimeException e) {
            return ByteBuffer.allocateDirect(size);
        }
    }
}
