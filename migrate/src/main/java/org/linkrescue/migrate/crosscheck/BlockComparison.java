package org.linkrescue.migrate.crosscheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.ByteRange;

/**
 * Compares one inode's bytes in SOURCE with its copies, block by block, as the chunks arrive
 * in order. A block that SOURCE could not read in full is not compared (the rescue's business,
 * not a disagreement). Adjacent disagreeing blocks of the same kind (who holds zeros, who agrees)
 * make one {@link Disagreement}.
 */
final class BlockComparison {
    private final int blockSize;
    private final List<String> names;
    private final List<Disagreement> found = new ArrayList<>();
    // the disagreement being extended
    private long runStart = -1, runEnd, runDiffering;
    private List<String> runZeros;
    private String runAgreement;
    private boolean runSourceZeros;

    BlockComparison(int blockSize, List<String> copyNames) {
        this.blockSize = blockSize;
        this.names = List.copyOf(copyNames);
    }

    /**
     * Compares bytes [off, off + n) of SOURCE (src) with the copies' (copies[i]); off is a
     * multiple of the block size, bad are SOURCE's unreadable ranges.
     */
    void chunk(long off, byte[] src, byte[][] copies, int n, BadRanges bad) {
        for (int b = 0; b < n; b += blockSize) {
            int e = Math.min(n, b + blockSize);
            long at = off + b;
            if (bad.overlaps(at, off + e)) { close(); continue; }
            int firstDiffering = -1;
            boolean[] differs = new boolean[copies.length];
            for (int i = 0; i < copies.length; i++) {
                differs[i] = !Arrays.equals(src, b, e, copies[i], b, e);
                if (differs[i] && firstDiffering < 0) firstDiffering = i;
            }
            if (firstDiffering < 0) { close(); continue; }
            List<String> zeros = new ArrayList<>();
            boolean srcZero = allZero(src, b, e);
            if (srcZero) zeros.add("SOURCE");
            for (int i = 0; i < copies.length; i++) if (allZero(copies[i], b, e)) zeros.add(names.get(i));
            String agreement = agreement(src, copies, differs, b, e);
            long differing = differingBytes(src, copies[firstDiffering], b, e);
            extend(at, off + e, differing, zeros, agreement, srcZero);
        }
    }

    /** The disagreements found; call after the last chunk. */
    List<Disagreement> finish() {
        close();
        return found;
    }

    private void extend(long s, long e, long differing, List<String> zeros, String agreement, boolean srcZero) {
        if (runStart >= 0 && runEnd == s && zeros.equals(runZeros) && Objects.equals(agreement, runAgreement)) {
            runEnd = e;
            runDiffering += differing;
            return;
        }
        close();
        runStart = s;
        runEnd = e;
        runDiffering = differing;
        runZeros = zeros;
        runAgreement = agreement;
        runSourceZeros = srcZero;
    }

    private void close() {
        if (runStart < 0) return;
        found.add(new Disagreement(new ByteRange(runStart, runEnd - runStart), runDiffering, runZeros, runAgreement, runSourceZeros));
        runStart = -1;
    }

    /** With two copies or more: which of the three (or more) agree on this block. */
    private String agreement(byte[] src, byte[][] copies, boolean[] differs, int b, int e) {
        if (copies.length < 2) return null;
        List<String> withSource = new ArrayList<>(List.of("SOURCE"));
        for (int i = 0; i < copies.length; i++) if (!differs[i]) withSource.add(names.get(i));
        if (withSource.size() > 1) return String.join(" and ", withSource) + " agree; " + others(withSource) + " differ" + (others(withSource).contains(" and ") ? "" : "s");
        // SOURCE differs from every copy: do the copies agree among themselves?
        List<String> agreeing = new ArrayList<>();
        for (int i = 1; i < copies.length; i++) if (Arrays.equals(copies[0], b, e, copies[i], b, e)) agreeing.add(names.get(i));
        if (agreeing.size() == copies.length - 1) return String.join(" and ", names) + " agree; SOURCE differs";
        return "all " + (copies.length + 1) + " copies differ";
    }

    private String others(List<String> agreeing) {
        List<String> rest = new ArrayList<>();
        for (String n : names) if (!agreeing.contains(n)) rest.add(n);
        return String.join(" and ", rest);
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] != 0) return false;
        return true;
    }

    private static long differingBytes(byte[] a, byte[] b, int from, int to) {
        long n = 0;
        for (int i = from; i < to; i++) if (a[i] != b[i]) n++;
        return n;
    }
}
