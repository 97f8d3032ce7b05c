package org.linkrescue.migrate.rescue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How to read through a failing drive and where good copies may come from. Build with
 * {@link #defaults()} and the with-methods; each default's reason is beside it.
 *
 * @param blockSize           --block-size: 4096, the block of btrfs, ext4 and xfs and the
 *                            sector of modern disks: the smallest unit a drive fails in, so the
 *                            loss is never larger than what really failed
 * @param retries             --retries: 1; a weak sector sometimes reads on a second try, but
 *                            every retry on a dying drive costs time and wear
 * @param readTimeout         --read-timeout: 60 s; a drive's own error recovery can take tens of
 *                            seconds per sector before it reports EIO, longer is a hang
 * @param snapshotDepth       --snapshot-depth: 1 (date-stamped snapshot dirs); rsnapshot's
 *                            daily.0/localhost/ layout needs 2
 * @param acceptMtimeMismatch --accept-mtime-mismatch: false; a copy with another mtime is
 *                            probably another version of the file even when the readable
 *                            bytes agree
 * @param spoolDir            --spool-dir: java.io.tmpdir; a damaged file's readable bytes are held
 *                            there while candidates are checked, so it must be on a healthy disk
 * @param alternates          --alternate, in the order given (the order candidates are tried)
 * @param chunkSize           the large read of the normal path: 1 MiB (a failing drive is slow per
 *                            request, not per byte); a multiple of blockSize
 */
public record RescueOptions(int blockSize, int retries, Duration readTimeout, int snapshotDepth,
                            boolean acceptMtimeMismatch, Path spoolDir, List<Alternate> alternates,
                            int chunkSize) {
    public RescueOptions {
        if (blockSize < 512 || Integer.bitCount(blockSize) != 1)
            throw new IllegalArgumentException("--block-size must be a power of two >= 512, not " + blockSize);
        if (retries < 0) throw new IllegalArgumentException("--retries must be >= 0, not " + retries);
        if (readTimeout == null || readTimeout.isNegative() || readTimeout.isZero())
            throw new IllegalArgumentException("--read-timeout must be > 0");
        if (snapshotDepth < 0) throw new IllegalArgumentException("--snapshot-depth must be >= 0, not " + snapshotDepth);
        if (spoolDir == null) spoolDir = Path.of(System.getProperty("java.io.tmpdir"));
        alternates = List.copyOf(alternates == null ? List.of() : alternates);
        if (chunkSize < blockSize || chunkSize % blockSize != 0) chunkSize = Math.max(blockSize, (1 << 20) / blockSize * blockSize);
    }

    public static RescueOptions defaults() {
        return new RescueOptions(4096, 1, Duration.ofSeconds(60), 1, false, null, List.of(), 1 << 20);
    }

    public RescueOptions withBlockSize(int b) { return new RescueOptions(b, retries, readTimeout, snapshotDepth, acceptMtimeMismatch, spoolDir, alternates, chunkSize); }
    public RescueOptions withRetries(int r) { return new RescueOptions(blockSize, r, readTimeout, snapshotDepth, acceptMtimeMismatch, spoolDir, alternates, chunkSize); }
    public RescueOptions withReadTimeout(Duration t) { return new RescueOptions(blockSize, retries, t, snapshotDepth, acceptMtimeMismatch, spoolDir, alternates, chunkSize); }
    public RescueOptions withSnapshotDepth(int d) { return new RescueOptions(blockSize, retries, readTimeout, d, acceptMtimeMismatch, spoolDir, alternates, chunkSize); }
    public RescueOptions withAcceptMtimeMismatch(boolean a) { return new RescueOptions(blockSize, retries, readTimeout, snapshotDepth, a, spoolDir, alternates, chunkSize); }
    public RescueOptions withSpoolDir(Path p) { return new RescueOptions(blockSize, retries, readTimeout, snapshotDepth, acceptMtimeMismatch, p, alternates, chunkSize); }
    public RescueOptions withAlternates(List<Alternate> a) { return new RescueOptions(blockSize, retries, readTimeout, snapshotDepth, acceptMtimeMismatch, spoolDir, a, chunkSize); }
    public RescueOptions withChunkSize(int c) { return new RescueOptions(blockSize, retries, readTimeout, snapshotDepth, acceptMtimeMismatch, spoolDir, alternates, c); }
}
