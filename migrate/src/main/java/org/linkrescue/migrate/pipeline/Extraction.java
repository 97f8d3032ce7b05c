package org.linkrescue.migrate.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.ReadLimits;
import org.linkrescue.archive.TarReader;
import org.linkrescue.archive.UnsupportedEntryException;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.stream.EntrySink;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Provenance;
import org.linkrescue.migrate.stream.Stop;

/**
 * extract: tar reader -> content of the current entry -> sink. Compression is detected from
 * the first bytes (a pipe works). An uncompressed archive in a regular file is read by offset
 * instead ({@link ArchiveFile}): headers only, the data copied kernel-side by the sink. An entry kind we do not reproduce is reported and skipped;
 * a malformed archive ends the run with the reader's message (byte offset included). Provenance
 * the archive carries (in an entry's header, or in late records after its data) goes to the
 * listener, and a damaged entry counts in the totals either way.
 */
public final class Extraction {
    /**
     * Told of every entry the archive marks with a non-clean provenance: in its header (told
     * before its data is extracted) or in late records after its data (told once the entry has
     * been read), the same way for both.
     */
    public interface ProvenanceListener {
        void marked(byte[] path, Provenance provenance);
    }

    private final Problems problems;
    private final RunTotals totals;
    private final Function<Map<String, byte[]>, Provenance> provenanceOf;
    private final ReadLimits limits;
    private Members members;
    private final byte[] buffer = new byte[1 << 20];

    /** Within the default {@link ReadLimits}. */
    public Extraction(Problems problems, RunTotals totals, Function<Map<String, byte[]>, Provenance> provenanceOf) {
        this(problems, totals, provenanceOf, ReadLimits.DEFAULTS);
    }

    /**
     * @param provenanceOf reads an entry's PAX records back into a provenance (CLEAN when it has none)
     * @param limits       how much metadata one entry may hold before the archive is refused
     */
    public Extraction(Problems problems, RunTotals totals, Function<Map<String, byte[]>, Provenance> provenanceOf,
                      ReadLimits limits) {
        this.problems = problems;
        this.totals = totals;
        this.provenanceOf = provenanceOf;
        this.limits = limits;
    }

    /** Extracts only these members (tar's extract PATH...); the ones no entry matched are reported at the end. */
    public Extraction members(Members m) {
        this.members = m;
        return this;
    }

    /**
     * Extracts the archive in raw (closed at the end) into sink, and finishes the sink. Reading
     * and decompressing run on this thread, the sink on its own: entries up to 16 MiB are read
     * into the read-ahead ring here; a larger one is handed over and waited for (its bytes come
     * from the same stream the next header would).
     */
    public void run(InputStream raw, EntrySink sink, ProvenanceListener listener) throws IOException {
        try (InputStream in = Compression.decompressDetected(raw)) {
            extract(new TarReader(in, limits), null, sink, listener);
        } finally {
            totals.stop();
        }
    }

    /**
     * Extracts an uncompressed archive file (closed at the end, after the sink has finished or
     * failed) into sink. The reader on this thread reads headers only and seeks over the data;
     * a plain FILE entry goes to the sink as its range of the file, which the sink copies
     * kernel-side on its own thread, never through this process's memory. A sparse entry, or
     * one whose data passes the end of the file, is read as from a stream.
     */
    public void run(ArchiveFile file, EntrySink sink, ProvenanceListener listener) throws IOException {
        try (file) {
            extract(new TarReader(file.stream(), limits), file, sink, listener);
        } finally {
            totals.stop();
        }
    }

    private Stop stop;
    private long skip;
    private byte[] skipLast;
    private boolean skipping;

    /** The run stops at the next entry boundary once s is requested ({@link org.linkrescue.migrate.stream.Stop}). */
    public Extraction stopWith(Stop s) {
        this.stop = s;
        return this;
    }

    /**
     * A resumed extraction: the first entries of the archive were extracted by a stopped run
     * (the last of them at path last); they are read past without writing anything, and the
     * archive must agree (its entry number entries is at last).
     */
    public Extraction resumeAfter(long entries, byte[] last) {
        this.skip = entries;
        this.skipLast = last;
        return this;
    }

    /** Reads past the entries a stopped run extracted already; their records and problems are in its rescue map. */
    private void skipDone(TarReader reader) throws IOException {
        skipping = true;
        Entry e = null;
        for (long n = 0; n < skip; n++) {
            if (stop != null) stop.check();
            try {
                e = reader.next();
            } catch (UnsupportedEntryException u) {
                n--; // not an entry of the stream: the stopped run did not count it either
                continue;
            }
            if (e == null) {
                throw new IOException("--resume: the archive holds " + n + " entries, but the stopped run extracted " + skip
                        + ": not the archive it read");
            }
        }
        if (e != null && skipLast != null && !Arrays.equals(e.path(), skipLast)) {
            throw new IOException("--resume: entry " + skip + " of the archive is '" + Names.display(e.path())
                    + "', the stopped run's was '" + Names.display(skipLast) + "': not the archive it read");
        }
        skipping = false;
    }

    /** @param file the archive file reader reads, when its entries may be handed out as ranges; else null */
    private void extract(TarReader reader, ArchiveFile file, EntrySink sink, ProvenanceListener listener) throws IOException {
        Evacuation.Tuning t = Evacuation.Tuning.DEFAULT;
        try (ReadAhead out = new ReadAhead(new CountingSink(sink, totals), t.depth(), t.ringBytes(), t.preReadMax(), 0, null)) {
            out.stopWith(stop);
            reader.onLateRecords(late -> {
                if (skipping) return;
                Provenance p = provenanceOf.apply(late.records());
                if (p.isClean()) return;
                if (p.damaged()) totals.damagedAfterRead();
                if (listener != null) listener.marked(late.path(), p);
            });
            if (skip > 0) skipDone(reader);
            while (true) {
                if (stop != null) stop.check();
                Entry e;
                try {
                    e = reader.next();
                } catch (UnsupportedEntryException u) {
                    problems.report(Grade.FAILED, u.path(), "not extracted: " + u.getMessage());
                    continue;
                }
                if (e == null) break;
                if (members != null) {
                    try {
                        e = members.select(e);
                    } catch (Members.NotSelected ns) {
                        problems.report(Grade.FAILED, e.path(), ns.getMessage());
                        continue;
                    }
                    if (e == null) continue; // not asked for: the reader skips its data
                }
                if (e.type() != EntryType.FILE) {
                    out.accept(e, null);
                    continue;
                }
                Provenance p = e.extra().isEmpty() ? Provenance.CLEAN : provenanceOf.apply(e.extra());
                if (!p.isClean() && listener != null) listener.marked(e.path(), p);
                long at = file == null ? -1 : reader.dataOffset();
                if (at >= 0 && file.holds(at, e.size())) {
                    // The next header is read at once: the reader seeks past these bytes.
                    out.accept(e, new ArchiveRangeContent(file.fd(), file.start() + at, e.size(), p));
                    continue;
                }
                TarEntryContent c = new TarEntryContent(reader, e.size(), p, buffer, stop);
                if (e.size() > t.preReadMax() || reader.isSparse()) { // read ahead, a sparse file would be dense
                    out.acceptInStep(e, c);
                } else {
                    out.accept(e, c);
                }
            }
            out.finish();
        }
        if (members != null) {
            for (byte[] m : members.notFound()) problems.report(Grade.FAILED, m, "not found in the archive");
        }
    }
}
