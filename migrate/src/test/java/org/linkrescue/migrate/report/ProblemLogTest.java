package org.linkrescue.migrate.report;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.stream.Problems.Grade;

class ProblemLogTest {
    @Test
    void t01_onePrintableLinePerProblemWithTheNameEscaped() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProblemLog log = new ProblemLog(new PrintStream(buf, true, StandardCharsets.UTF_8));
        log.report(Grade.FAILED, Names.bytes("2024-01-01/caf\u00e9\nx"), "open: EACCES (Permission denied)");
        log.report(Grade.WARN, Names.bytes("s"), "socket ignored");
        assertEquals("linkrescue: FAILED 2024-01-01/caf\\xe9\\nx: open: EACCES (Permission denied)\n"
                + "linkrescue: WARN s: socket ignored\n", buf.toString(StandardCharsets.UTF_8));
        assertEquals(1, log.errors());
        assertEquals(1, log.count(Grade.WARN));
        assertEquals(2, log.total());
    }

    @Test
    void t02_warningsAloneMeanComplete_failuresOrLostBytesMeanIncomplete() {
        ProblemLog log = new ProblemLog(new PrintStream(new ByteArrayOutputStream()));
        RunTotals t = new RunTotals();
        log.report(Grade.WARN, null, "x");
        assertEquals(Outcome.COMPLETE, Outcome.of(log, t, false));
        assertEquals(Outcome.INCOMPLETE, Outcome.of(log, t, true));
        t.inodeRead(true);
        assertEquals(Outcome.INCOMPLETE, Outcome.of(log, t, false));
    }

    @Test
    void t03_reportHoldsTotalsAndProblems() throws Exception {
        ProblemLog log = new ProblemLog(new PrintStream(new ByteArrayOutputStream()));
        RunTotals t = new RunTotals();
        t.count(new Entry(Names.bytes("a"), EntryType.FILE, 0644, 0, 0, null, null, 5, 0, 0, null, 0, 0, null));
        t.addBytes(5);
        t.inodeRead(false);
        t.count(new Entry(Names.bytes("b"), EntryType.HARDLINK, 0644, 0, 0, null, null, 0, 0, 0, Names.bytes("a"), 0, 0, null));
        log.report(Grade.FAILED, Names.bytes("c\u00ff"), "lstat: EIO (Input/output error)");
        StringWriter w = new StringWriter();
        new RunReport("migrate").place("source", "/src").section("extra", j -> j.beginObject().field("k", 1).endObject())
                .write(w, Outcome.INCOMPLETE, 3, t, log);
        String s = w.toString();
        assertTrue(s.startsWith("{\"command\":\"migrate\",\"source\":\"/src\",\"outcome\":\"incomplete\",\"exitCode\":3,"), s);
        assertTrue(s.contains("\"totals\":{\"paths\":2,\"files\":1,\"hardLinks\":1,\"dirs\":0,\"symlinks\":0,\"specials\":0,\"bytes\":5,\"inodesRead\":1,"), s);
        assertTrue(s.contains("\"problems\":[{\"grade\":\"FAILED\",\"path\":\"c\\\\xff\",\"what\":\"lstat: EIO (Input/output error)\"}]"), s);
        assertTrue(s.contains("\"extra\":{\"k\":1}}"), s);
    }

    @Test
    void t04_sizesForHumans() {
        assertEquals("1023 B", Summary.bytes(1023));
        assertEquals("1.50 KiB", Summary.bytes(1536));
        assertEquals("2.40 GiB", Summary.bytes((long) (2.4 * (1L << 30))));
    }
}
