package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.testdata.Fault;
import org.linkrescue.testdata.FaultFs;
import org.linkrescue.testdata.FaultFs.Op;

/**
 * The progress line's total (for the ETA) costs the failing drive nothing: no second walk of
 * it beside the scan. Measured on a FUSE drive that counts every directory listing.
 */
class ProgressEstimateFaultFsTest {
    @TempDir Path tmp;

    @BeforeEach void fuse() {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
    }

    @Test void t01_aRunWithAProgressLineListsEachDirectoryOfTheDriveOnceAndShowsATotal() throws Exception {
        Path backing = tmp.resolve("drive");
        for (int s = 1; s <= 3; s++) {
            for (int d = 0; d < 5; d++) {
                Path dir = Files.createDirectories(backing.resolve("snap" + s + "/dir" + d));
                for (int f = 0; f < 4; f++) Files.write(dir.resolve("f" + f), new byte[20_000 + 1000 * f]);
            }
        }
        try (FaultFs fs = FaultFs.mount(backing, tmp, false)) {
            // Slow listings, as a dying drive's: a walk beside the scan has time to be seen.
            fs.add(Fault.on(Op.READDIR).glob("*").stall(Duration.ofMillis(100)));
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Console terminal = new Console(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8), true);
            int code = Main.run(terminal, "migrate", fs.root().toString(), tmp.resolve("copy").toString());
            String shown = err.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, shown);
            assertEquals(1, fs.count(Op.READDIR, "snap2/dir3"), "one listing of a directory: the scan's");
            assertEquals(1, fs.count(Op.READDIR, ""), "one listing of the root");
            assertTrue(shown.contains(" of ~"), "the progress line shows a total: " + shown);
        }
    }
}
