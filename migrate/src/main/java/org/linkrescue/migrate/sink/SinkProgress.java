package org.linkrescue.migrate.sink;

import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which of the entries a disk sink was given are not complete yet, for a rescue map's
 * checkpoint ({@link org.linkrescue.migrate.stream.Checkpointable#completed}): the files a data
 * thread still writes, and the first entry given up because the run was stopping (a full target,
 * a signal, a content's own failure). Entries are known by their number in the stream. Shared by
 * every lane and data thread.
 */
final class SinkProgress {
    private final ConcurrentSkipListSet<Long> onDataThreads = new ConcurrentSkipListSet<>();
    private final AtomicLong abandoned = new AtomicLong(Long.MAX_VALUE);

    /** Entry seq's file goes to a data thread. */
    void handedOver(long seq) { onDataThreads.add(seq); }

    /** A data thread is done with entry seq's file: complete, or not (given up as the run stopped). */
    void landed(long seq, boolean complete) {
        if (!complete) abandoned(seq);
        onDataThreads.remove(seq);
    }

    /** Entry seq did not complete because the run was stopping: it and everything after it are done again on resume. */
    void abandoned(long seq) {
        abandoned.accumulateAndGet(seq, Math::min);
    }

    /** The number of the oldest entry known not complete here, or Long.MAX_VALUE. */
    long oldestIncomplete() {
        long a = abandoned.get();
        Long d = onDataThreads.isEmpty() ? null : onDataThreads.first();
        return d == null ? a : Math.min(a, d);
    }
}
