package org.linkrescue.migrate.sink;

/**
 * Entry numbers in the order given, oldest first: a ring of longs, so that noting one costs no
 * boxed object (a lane notes every entry it is given). One thread's.
 */
final class SeqQueue {
    private long[] seqs = new long[256];
    private int head;
    private int size;

    void addLast(long seq) {
        if (size == seqs.length) {
            long[] s = new long[seqs.length * 2];
            for (int k = 0; k < size; k++) s[k] = seqs[(head + k) & (seqs.length - 1)];
            seqs = s;
            head = 0;
        }
        seqs[(head + size++) & (seqs.length - 1)] = seq;
    }

    boolean isEmpty() { return size == 0; }

    /** The oldest; the queue must not be empty. */
    long peekFirst() {
        if (size == 0) throw new IllegalStateException("empty");
        return seqs[head];
    }

    void pollFirst() {
        if (size == 0) throw new IllegalStateException("empty");
        head = (head + 1) & (seqs.length - 1);
        size--;
    }
}
