package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.linkrescue.migrate.rescue.ProvenancePax;
import org.linkrescue.migrate.stream.Provenance;

class ProvenanceRecordsTest {
    @Test
    void t01_whatTheArchiveSaysOfASplicedAndDamagedFileReadsBackExactly_commasInPathsIncluded() {
        Provenance p = new Provenance(List.of(
                new Provenance.Range(0, 4096, "source"),
                new Provenance.Range(4096, 4096, "mirror:/m/2024-01-01/a,b-1:2.txt"),
                new Provenance.Range(8192, 100, "zero")), true);
        Map<String, byte[]> records = ProvenancePax.records(p);
        assertEquals(p, ProvenanceRecords.parse(records));
    }

    @Test
    void t02_anEntryWithoutOurRecordsIsClean() {
        assertSame(Provenance.CLEAN, ProvenanceRecords.parse(Map.of("SCHILY.xattr.user.x", new byte[] {1})));
    }
}
