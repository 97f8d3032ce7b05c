package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.stream.Content.Chunks;
import org.linkrescue.migrate.stream.Provenance;

/**
 * Puts a damaged file back together: the good ranges are the drive's own bytes (held in the
 * spool), the bad ranges come from the accepted candidate (which the verifier wrote into the
 * spool) or, with none, are zeros. Emits exactly the bytes asked for and hashes them on the way.
 */
final class Splicer {
    private static final int CHUNK = 1 << 20;

    private Splicer() {}

    /**
     * Where each byte of [0, size) comes from: "source" outside the bad ranges, badOrigin (or
     * "zero" when null) inside them; adjacent ranges of the same origin merged.
     */
    static Provenance provenance(long size, BadRanges bad, String badOrigin) {
        List<Provenance.Range> out = new ArrayList<>();
        long p = 0;
        String fill = badOrigin == null ? "zero" : badOrigin;
        for (ByteRange b : bad.list()) {
            if (b.offset() > p) add(out, p, b.offset() - p, "source");
            add(out, b.offset(), b.length(), fill);
            p = b.end();
        }
        if (p < size) add(out, p, size - p, "source");
        return new Provenance(List.copyOf(out), badOrigin == null && !bad.isEmpty());
    }

    private static void add(List<Provenance.Range> out, long off, long len, String origin) {
        if (!out.isEmpty()) {
            Provenance.Range last = out.get(out.size() - 1);
            if (last.origin().equals(origin) && last.offset() + last.length() == off) {
                out.set(out.size() - 1, new Provenance.Range(last.offset(), last.length() + len, origin));
                return;
            }
        }
        out.add(new Provenance.Range(off, len, origin));
    }

    /**
     * Emits [from, to) to out (when out is non-null) and into md (when non-null): spool bytes,
     * except zeros inside bad ranges when no candidate filled them.
     */
    static void emit(Spool spool, long from, long to, BadRanges bad, boolean filled, MessageDigest md, Chunks out)
            throws IOException {
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, to - from))];
        for (long off = from; off < to; ) {
            int n = (int) Math.min(buf.length, to - off);
            spool.read(off, buf, 0, n);
            if (!filled) {
                for (ByteRange b : bad.list()) {
                    long s = Math.max(off, b.offset()), e = Math.min(off + n, b.end());
                    if (s < e) Arrays.fill(buf, (int) (s - off), (int) (e - off), (byte) 0);
                }
            }
            if (md != null) md.update(buf, 0, n);
            if (out != null) out.accept(buf, 0, n);
            off += n;
        }
    }
}
