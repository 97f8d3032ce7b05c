package org.linkrescue.migrate.scan;

import java.io.IOException;
import java.util.List;
import org.linkrescue.migrate.drive.ReadTimeoutException;
import org.linkrescue.migrate.drive.TimedCalls;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Posix;

/**
 * The scan's calls on workers that give a call up past the read timeout ({@link TimedReads}):
 * a directory whose listing stalls, or an inode whose lstat stalls, costs the timeout once and
 * is then unreadable, instead of hanging the run for as long as the drive does.
 *
 * <p>Names are looked up in runs of {@link #RUN} per call on the worker (one hand-off per run,
 * not per name: a hand-off costs more than an lstat of a cached inode). A run that stalls
 * keeps what it found before the stalled name; that name is unreadable, and the next run starts
 * after it on a fresh worker. Subdirectories are opened as files are (a late open closes its
 * own descriptor).
 */
public final class TimedScanCalls implements ScanCalls {
    /** Names looked up in one call: enough to make the hand-off cheap, few enough that 64 slow lstats stay under a timeout. */
    static final int RUN = 64;

    private final TimedReads reads;

    public TimedScanCalls(TimedReads reads) {
        this.reads = reads;
    }

    @Override
    public List<byte[]> list(int dirFd) throws IOException {
        return reads.calls().call("getdents", () -> Posix.listDir(dirFd));
    }

    /**
     * A run of lookups in progress: the worker fills its own array and publishes how far it got;
     * a worker given up may yet write into it, never into the caller's.
     */
    private static final class Run {
        final Looked[] part;
        volatile int done;
        /** The call the worker is in ("lstat", "readlink"): what a stall is named after. */
        volatile String calling = "lstat";
        volatile boolean givenUp;

        Run(int n) { part = new Looked[n]; }
    }

    @Override
    public Looked[] look(int dirFd, List<byte[]> names) throws IOException {
        Looked[] out = new Looked[names.size()];
        int from = 0;
        while (from < out.length) {
            int base = from, n = Math.min(RUN, out.length - from);
            Run run = new Run(n);
            try {
                reads.calls().call("lstat", () -> {
                    for (int i = 0; i < n && !run.givenUp; i++) {
                        run.part[i] = ScanCalls.lookUp(dirFd, names.get(base + i), call -> run.calling = call);
                        run.done = i + 1; // after the result: the caller takes up to done
                    }
                    return null;
                });
                System.arraycopy(run.part, 0, out, base, n);
                from = base + n;
            } catch (ReadTimeoutException e) {
                run.givenUp = true;
                int stalled = run.done; // every name before it has its result
                System.arraycopy(run.part, 0, out, base, stalled);
                out[base + stalled] = Looked.failed(run.calling + " did not return within " + reads.calls().timeout().toMillis() / 1000.0 + " s");
                from = base + stalled + 1;
            }
        }
        return out;
    }

    @Override
    public <T> T call(String what, TimedCalls.Call<T> call) throws IOException {
        return reads.calls().call(what, call);
    }

    @Override
    public int openDir(int dirFd, byte[] name) throws IOException {
        return reads.opens().open(dirFd, name, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_NONBLOCK).fd();
    }
}
