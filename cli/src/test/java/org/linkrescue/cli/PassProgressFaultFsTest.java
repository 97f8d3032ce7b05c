package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.testdata.FailingDrive;
import org.linkrescue.testdata.Fault;
import org.linkrescue.testdata.FaultFs;
import org.linkrescue.testdata.FaultFs.Op;

/**
 * The progress line of a rescue in passes, on a real terminal (util-linux script), as ddrescue
 * shows it: the pass under way, the bytes still untried and found bad, and the time since the
 * drive last gave a byte. The drive is a FUSE one (FaultFs, direct_io) whose reads over the bad
 * block each take 0.6 s (the first of e's 2 s), so every pass lasts long enough for the line to be drawn.
 */
class PassProgressFaultFsTest {
    static final int MiB = 1 << 20;
    @TempDir Path tmp;

    @Test void t01_theLineShowsThePassUntriedAndBadBytesAndTheTimeSinceTheLastGoodRead() throws Exception {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
        Path backing = Files.createDirectories(tmp.resolve("drive/s"));
        Files.write(backing.resolve("d"), FailingDrive.pattern("d", 2 * MiB));
        Files.write(backing.resolve("e"), FailingDrive.pattern("e", 2 * MiB));
        Files.writeString(backing.resolve("h"), "healthy");
        try (FaultFs fs = FaultFs.mount(tmp.resolve("drive"), tmp, true)) {
            // e's first bad read is slow (2 s): meanwhile d, read already, is pending, and pass 1's line says so
            fs.add(Fault.on(Op.READ).path("s/e").bytes(MiB + 8192, MiB + 12288).stall(Duration.ofMillis(2000)).eio().times(1));
            for (String f : new String[] {"s/d", "s/e"})
                fs.add(Fault.on(Op.READ).path(f).bytes(MiB + 8192, MiB + 12288).stall(Duration.ofMillis(600)).eio());
            // 132 columns: the rescue's part alone is ~85 characters, and the line fits the terminal (on 80 columns its end is cut)
            TerminalTest.Result r = TerminalTest.onTerminal(132, tmp, "migrate", fs.root().toString(), tmp.resolve("out").toString());
            assertEquals(3, r.code(), r.screen());
            String screen = r.screen();
            assertTrue(screen.contains("pass 1 copy: "), screen);
            assertTrue(screen.matches("(?s).*pass 2 scrape \\(file [12] of 2\\): .*"), screen);
            assertTrue(screen.matches("(?s).*pass 3 retry \\(file [12] of 2\\): .*"), screen);
            assertTrue(screen.matches("(?s).*untried, [0-9.]+ KiB bad, last good read 0:0[0-9] ago.*"), screen);
            assertTrue(screen.contains("2 damaged"), screen);
        }
    }
}
