package org.linkrescue.cli;

import java.io.IOException;
import java.util.Map;
import org.linkrescue.archive.Compression;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.read.PlainContentSource;
import org.linkrescue.migrate.stream.ContentSource;
import org.linkrescue.migrate.stream.Provenance;

/**
 * Chooses what the run commands read with, and checks what they read from, so the commands
 * stay a few lines each.
 */
final class Sources {
    private Sources() {}

    /** A source root that cannot be opened as a directory is fatal before anything is created. */
    static void checkSource(byte[] root, String shown) throws IOException {
        try {
            Posix.close(Posix.openat(Posix.AT_FDCWD, root, Posix.O_RDONLY | Posix.O_DIRECTORY, 0));
        } catch (PosixException e) {
            throw new IOException("cannot read source '" + Args.display(shown) + "': " + e.reason(), e);
        }
    }

    static Compression compression(String name) {
        try {
            return Compression.fromName(name);
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
    }

    /** The content source of one run, and what it learned about lost data. */
    interface Prepared {
        Evacuation evacuation(Session s);

        /** Data lost beyond what the problem log and totals already count. */
        boolean dataLost();
    }

    static Prepared prepare(Session s) {
        ContentSource source = new PlainContentSource(s.problems);
        return new Prepared() {
            @Override public Evacuation evacuation(Session session) {
                return new Evacuation(source, session.problems, session.totals, Evacuation.Tuning.DEFAULT);
            }

            @Override public boolean dataLost() { return false; }
        };
    }

    /** PAX records for a non-clean provenance in an archive header. */
    static Map<String, byte[]> provenanceRecords(Provenance p) {
        return ProvenanceRecords.of(p);
    }

    /** The provenance an archive entry's PAX records describe. */
    static Provenance provenanceOf(Map<String, byte[]> extra) {
        return ProvenanceRecords.parse(extra);
    }
}
