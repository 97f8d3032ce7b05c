package org.linkrescue.cli;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import org.linkrescue.migrate.stream.Stop;

/**
 * SIGINT and SIGTERM stop a run the way the user means it: at the next entry boundary, with the
 * rescue map's last checkpoint, the report and one line saying how to resume (see {@link Stop};
 * exit 130 / 143). No shutdown hook: the JVM's own handler would end the process at once. A
 * second signal while the run is stopping ends the process at once (the map keeps its last
 * whole checkpoint). A signal that was ignored when the process started (a background job of
 * a non-interactive shell) stays ignored, as for any Unix tool. Installed by {@link Main#main}
 * only: in-process runs (tests) are stopped through their {@link Stop} directly.
 */
final class Signals {
    private Signals() {}

    private static final Set<Stop> running = new CopyOnWriteArraySet<>();

    /** Takes SIGINT and SIGTERM over for the whole process. */
    @SuppressWarnings("restriction")
    static void install() {
        for (Stop.Cause c : Stop.Cause.values()) {
            sun.misc.Signal sig = new sun.misc.Signal(c == Stop.Cause.SIGINT ? "INT" : "TERM");
            try {
                sun.misc.Signal.handle(sig, s -> arrived(c));
            } catch (IllegalArgumentException inUse) {
                // the VM keeps this one (-Xrs): its default stays
            }
        }
    }

    private static void arrived(Stop.Cause c) {
        boolean any = false;
        for (Stop s : running) {
            any = true;
            if (!s.request(c)) {
                System.err.println("linkrescue: " + c.what + " again: stopping at once; the rescue map keeps its last checkpoint");
                Runtime.getRuntime().halt(c.exitCode);
            }
        }
        // Nothing to stop gracefully (parsing, a command without a pipeline): end as the default would.
        if (!any) Runtime.getRuntime().halt(c.exitCode);
    }

    /** The run of stop is going: a signal stops it. */
    static void running(Stop stop) { running.add(stop); }

    static void done(Stop stop) { running.remove(stop); }
}
