package org.linkrescue.migrate.verify;

import java.io.IOException;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.scan.ScannedPath;
import org.linkrescue.migrate.scan.TreeScanner;

/**
 * verify's progress totals: a metadata walk of TARGET, the healthy copy, beside the comparison
 * (never of SOURCE: the failing drive is not walked twice). Each path adds size/nlink, so an
 * inode linked from n paths counts once in all without a link table (exact when all its links
 * are inside the tree). Problems of this walk are ignored: the comparison reports them. Only
 * started when someone watches the progress.
 */
public final class TargetCount {
    private TargetCount() {}

    /** Starts the walk on a daemon thread; it sets totals.expectBytes and expectPaths when done. */
    public static Thread start(byte[] target, RunTotals totals, PathFilter filter) {
        Thread t = new Thread(() -> {
            double[] sum = {0};
            long[] paths = {0};
            try {
                new TreeScanner((g, p, w) -> { }, filter).walk(target, new TreeScanner.Visitor() {
                    @Override public void visit(ScannedPath p) {
                        paths[0]++;
                        if (p.stat().isRegular()) sum[0] += (double) p.stat().size() / Math.max(1, p.stat().nlink());
                    }
                });
                totals.expectBytes(Math.round(sum[0]));
                totals.expectPaths(paths[0]);
            } catch (IOException | RuntimeException e) {
                // no totals: progress shows paths, bytes and rate without them
            }
        }, "linkrescue-count");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
