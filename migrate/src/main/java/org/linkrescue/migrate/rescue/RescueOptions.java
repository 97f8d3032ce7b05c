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
    /**
     * Limits that make sense, so a slip of the keyboard is a usage error at the start instead
     * of hours of reading: a block larger than the 1 MiB chunk it retries would be the chunk
     * (and 1 GiB of it an OutOfMemoryError); a hundred retries of one block on a dying drive is
     * already wear for nothing; a read hanging a day is not coming back; snapshots sixteen
     * levels down are no layout any backup tool makes.
     */
    public static final int MAX_BLOCK_SIZE = 1 << 20, MAX_RETRIES = 100, MAX_SNAPSHOT_DEPTH = 16;
    public static final Duration MAX_READ_TIMEOUT = Duration.ofDays(1);

    public RescueOptions {
        if (blockSize < 512 || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1)
            throw new IllegalArgumentException("--block-size must be a power of two from 512 to 1048576 (1 MiB), not " + blockSize);
        if (retries < 0 || retries > MAX_RETRIES)
            throw new IllegalArgumentException("--retries must be from 0 to " + MAX_RETRIES + ", not " + retries);
        if (readTimeout == null || readTimeout.isNegative() || readTimeout.isZero() || readTimeout.compareTo(MAX_READ_TIMEOUT) > 0)
            throw new IllegalArgumentException("--read-timeout must be from 1 to " + MAX_READ_TIMEOUT.toSeconds() + " seconds, not "
                    + (readTimeout == null ? "none" : readTimeout.toSeconds()));
        if (snapshotDepth < 0 || snapshotDepth > MAX_SNAPSHOT_DEPTH)
            throw new IllegalArgumentException("--snapshot-depth must be from 0 to " + MAX_SNAPSHOT_DEPTH + ", not " + snapshotDepth);
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
