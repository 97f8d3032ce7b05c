package org.linkrescue.cli;

/**
 * Time left, from what a run costs per path and per byte. A run over a link farm spends its time
 * in two ways that come in phases (a snapshot's new files: bytes; the next snapshots: hard links,
 * paths and no bytes), so bytes alone said "ETA 0:00:01" with seconds of links to go. Each
 * interval between two looks is an observation dt = perPath * dPaths + perByte * dBytes; the two
 * costs are the least-squares fit (never negative) over the observations, older ones weighing
 * less, so the estimate follows the drive as it slows.
 */
final class Eta {
    /** Weight kept by an observation per new one: about the last 50 observations count. */
    private static final double DECAY = 0.98;
    private double spp, spb, sbb, spt, sbt; // decayed sums of dp*dp, dp*db, db*db, dp*dt, db*dt
    private double perPath, perByte; // seconds
    private long lastPaths, lastBytes, lastNanos = -1;
    private double seconds; // of observations so far
    private long lastWork = -1;

    /** One look at the run: paths and bytes done by nanos (System.nanoTime()). */
    void observe(long nanos, long paths, long bytes) {
        if (lastNanos < 0) lastWork = nanos;
        if (lastNanos >= 0) {
            double dt = (nanos - lastNanos) / 1e9, dp = paths - lastPaths, db = bytes - lastBytes;
            // Time in which nothing was done (a read the drive holds) is not an observation of
            // its own, which no cost could explain: it joins the next interval that does work.
            if (dp == 0 && db == 0) return;
            lastWork = nanos;
            if (dt > 0) {
                spp = spp * DECAY + dp * dp;
                spb = spb * DECAY + dp * db;
                sbb = sbb * DECAY + db * db;
                spt = spt * DECAY + dp * dt;
                sbt = sbt * DECAY + db * dt;
                seconds += dt;
                fit();
            }
        }
        lastNanos = nanos;
        lastPaths = paths;
        lastBytes = bytes;
    }

    private void fit() {
        double det = spp * sbb - spb * spb;
        double p = Double.NaN, b = Double.NaN;
        // Paths and bytes in one proportion all along cannot be told apart: then the costs are
        // split in that proportion (either alone would say the same of a run that goes on so).
        if (det > 1e-9 * spp * sbb) {
            p = (spt * sbb - sbt * spb) / det;
            b = (sbt * spp - spt * spb) / det;
        }
        if (!(p >= 0 && b >= 0)) { // one alone, whichever explains the time better
            double pOnly = spp > 0 ? spt / spp : 0, bOnly = sbb > 0 ? sbt / sbb : 0;
            double residualP = spp > 0 ? -spt * spt / spp : 0, residualB = sbb > 0 ? -sbt * sbt / sbb : 0;
            boolean paths = spp > 0 && (sbb == 0 || residualP <= residualB);
            p = paths ? pOnly : 0;
            b = paths ? 0 : bOnly;
        }
        perPath = p;
        perByte = b;
    }

    /** Seconds since the last look that found work done (a stalled read shows here), or 0. */
    long idleSeconds(long nanos) { return lastWork < 0 ? 0 : (nanos - lastWork) / 1_000_000_000L; }

    /** The share of the work done, by what it cost so far; -1 before enough has been seen. */
    double fractionDone(long pathsDone, long bytesDone, long pathsLeft, long bytesLeft) {
        if (seconds < 2 || (perPath == 0 && perByte == 0)) return -1;
        double done = perPath * pathsDone + perByte * bytesDone;
        double left = perPath * Math.max(0, pathsLeft) + perByte * Math.max(0, bytesLeft);
        return done + left > 0 ? done / (done + left) : -1;
    }

    /** Seconds left for this much work, or -1 before enough has been seen (two seconds of the run). */
    long secondsLeft(long pathsLeft, long bytesLeft) {
        if (seconds < 2 || (perPath == 0 && perByte == 0)) return -1;
        return Math.round(perPath * Math.max(0, pathsLeft) + perByte * Math.max(0, bytesLeft));
    }
}
