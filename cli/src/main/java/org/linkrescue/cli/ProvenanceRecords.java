package org.linkrescue.cli;

import java.util.Map;
import org.linkrescue.migrate.rescue.ProvenancePax;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/**
 * The provenance PAX records of our namespace ({@link ProvenancePax}), both ways: written into
 * a header for a content that is not clean, and read back by extract.
 */
final class ProvenanceRecords {
    private ProvenanceRecords() {}

    static Map<String, byte[]> of(Content c) {
        return ProvenancePax.records(c);
    }

    /** CLEAN when the entry carries none of our records. */
    static Provenance parse(Map<String, byte[]> extra) {
        return ProvenancePax.parse(extra);
    }
}
