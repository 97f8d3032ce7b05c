package org.linkrescue.migrate.map;

import org.linkrescue.archive.Entry;
import org.linkrescue.migrate.stream.Content;

/**
 * The entries a checkpoint has accepted and not yet counted in, oldest first: a ring of
 * columns, so that holding one costs no object (a link farm passes one per path, and a record
 * each was a tenth of what the rescue map allocated). One thread's: the sink's.
 */
final class PendingEntries {
    private static final byte DAMAGED = 1, LATER = 2;

    private Entry[] entries;
    private Content[] unsettled;
    private long[] bytes;
    private long[] fromSource;
    private byte[] flags;
    private int head;
    private int size;

    PendingEntries() { alloc(2048); }

    private void alloc(int cap) {
        entries = new Entry[cap];
        unsettled = new Content[cap];
        bytes = new long[cap];
        fromSource = new long[cap];
        flags = new byte[cap];
    }

    /**
     * @param later     a rescue in passes left ranges of it to settle after the stream
     * @param unsettled its content, when what it holds is known only once it is complete
     */
    void add(Entry e, long bytes, long fromSource, boolean damaged, boolean later, Content unsettled) {
        if (size == entries.length) grow();
        int i = (head + size) & (entries.length - 1);
        entries[i] = e;
        this.unsettled[i] = unsettled;
        this.bytes[i] = bytes;
        this.fromSource[i] = fromSource;
        flags[i] = (byte) ((damaged ? DAMAGED : 0) | (later ? LATER : 0));
        size++;
    }

    int size() { return size; }

    boolean isEmpty() { return size == 0; }

    /** The oldest entry's. */
    Entry entry() { return entries[head]; }

    Content unsettled() { return unsettled[head]; }

    long bytes() { return bytes[head]; }

    long fromSource() { return fromSource[head]; }

    boolean damaged() { return (flags[head] & DAMAGED) != 0; }

    boolean later() { return (flags[head] & LATER) != 0; }

    /** Forgets the oldest. */
    void poll() {
        entries[head] = null;
        unsettled[head] = null;
        head = (head + 1) & (entries.length - 1);
        size--;
    }

    private void grow() {
        int cap = entries.length;
        Entry[] e = entries;
        Content[] u = unsettled;
        long[] b = bytes, s = fromSource;
        byte[] f = flags;
        alloc(cap * 2);
        for (int k = 0; k < size; k++) {
            int from = (head + k) & (cap - 1);
            entries[k] = e[from];
            unsettled[k] = u[from];
            bytes[k] = b[from];
            fromSource[k] = s[from];
            flags[k] = f[from];
        }
        head = 0;
    }

    @Override public String toString() { return "PendingEntries[" + size + " of " + entries.length + "]"; }
}
