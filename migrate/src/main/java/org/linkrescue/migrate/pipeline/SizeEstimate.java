package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.scan.ScannedPath;
import org.linkrescue.migrate.scan.TreeScanner;

/**
 * A quick metadata-only walk, beside the real run, that tells the progress display how many
 * bytes to expect. Each path adds size/nlink, so an inode linked from n paths counts once in
 * all without a link table (exact when all its links are inside the tree). Problems of this walk
 * are ignored: the real run reports them. Only started when someone watches the progress.
 */
public final class SizeEstimate {
    private SizeEstimate() {}

    /** Starts the walk on a daemon thread; it sets totals.expectBytes when done. */
    public static Thread start(byte[] root, RunTotals totals, PathFilter filter) {
        Thread t = new Thread(() -> {
            double[] sum = {0};
            try {
                new TreeScanner((g, p, w) -> { }, filter).walk(root, new TreeScanner.Visitor() {
                    @Override public void visit(ScannedPath p) {
                        if (p.stat().isRegular()) sum[0] += (double) p.stat().size() / Math.max(1, p.stat().nlink());
                    }
                });
                totals.expectBytes(Math.round(sum[0]));
            } catch (IOException | RuntimeException e) {
                // no estimate: progress shows bytes and rate without a total
            }
        }, "linkrescue-estimate");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
