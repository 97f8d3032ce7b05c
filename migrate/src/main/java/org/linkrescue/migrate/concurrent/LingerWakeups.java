package org.linkrescue.migrate.concurrent;

import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * Wake-ups due a little later, for hand-offs that let a few elements linger before they wake
 * their consumer ({@link Handoff}): one daemon thread for the whole JVM sleeps until the
 * earliest one is due, runs it, and sleeps without a timeout when none is pending. Each
 * pending wake-up is its hand-off itself (at most one each), so scheduling allocates nothing.
 */
final class LingerWakeups {
    /** A wake-up that runs once its deadline has passed. */
    abstract static class Due implements Delayed {
        private volatile long deadline;

        /** Runs on the wake-up thread once due. */
        abstract void wake();

        @Override public long getDelay(TimeUnit unit) {
            return unit.convert(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override public int compareTo(Delayed o) {
            return Long.compare(deadline, ((Due) o).deadline);
        }
    }

    private static final DelayQueue<Due> DUE = new DelayQueue<>();

    static {
        Thread t = new Thread(LingerWakeups::run, "linkrescue-wakeups");
        t.setDaemon(true);
        t.start();
    }

    private LingerWakeups() {}

    /** Runs d.wake() once delayNanos have passed; d must not be pending already. */
    static void schedule(Due d, long delayNanos) {
        d.deadline = System.nanoTime() + delayNanos;
        DUE.add(d);
    }

    private static void run() {
        while (true) {
            try {
                DUE.take().wake();
            } catch (InterruptedException e) {
                // nobody interrupts this thread; if someone does, it goes on
            } catch (RuntimeException e) {
                // a wake-up that failed must not end the others
            }
        }
    }
}
