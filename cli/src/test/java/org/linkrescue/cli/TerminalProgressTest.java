package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.testdata.Fault;
import org.linkrescue.testdata.FaultFs;

/**
 * The progress line on a real terminal (tmux), while a migrate waits on a read the FUSE fault
 * file system holds: it fits the window, follows the window as it is widened, and the closing
 * line is broken to fit instead of wrapped by the terminal (issue 18.4).
 */
class TerminalProgressTest {
    @TempDir Path dir;

    @Test void t01_theLineFitsTheWindowAndFollowsItWhenWidened_andTheSummaryIsBrokenToFit() throws Exception {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
        Path backing = dir.resolve("backing");
        for (int s = 1; s <= 3; s++) {
            for (int f = 0; f < 40; f++) {
                Path p = backing.resolve("2024-01-0" + s + "/dir/file" + f);
                Files.createDirectories(p.getParent());
                if (s == 1) Files.write(p, new byte[5000 + f]);
                else Files.createLink(p, backing.resolve("2024-01-01/dir/file" + f));
            }
        }
        try (FaultFs fs = FaultFs.mount(backing, dir, false)) {
            FaultFs.Rule hold = fs.add(Fault.on(FaultFs.Op.READ).path("2024-01-01/dir/file7").stallUntilReleased());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Path cp = Files.writeString(dir.resolve("cp"), System.getProperty("java.class.path"));
            String cmd = "env LOCPATH=" + System.getenv("LOCPATH") + " LC_ALL=C.ISO-8859-1 LANG=C.ISO-8859-1 " + java
                    + " -cp \"$(cat " + cp + ")\" org.linkrescue.cli.Main migrate " + fs.root() + " " + dir.resolve("new")
                    + " --read-timeout 60; echo EXIT=$?; sleep 60";
            try (TmuxWindow window = TmuxWindow.start(50, 12, cmd)) {
                fs.awaitStalled(1, 20_000);
                Thread.sleep(1_600); // three redraws
                List<String> narrow = window.screen();
                assertEquals(1, narrow.size(), "one line, no stale ones left by redraws: " + narrow);
                assertTrue(narrow.get(0).length() <= 49 && narrow.get(0).contains("paths"), narrow.toString());

                window.resize(120, 12);
                Thread.sleep(2_600);
                List<String> wide = window.screen();
                assertEquals(1, wide.size(), wide.toString());
                assertTrue(wide.get(0).length() > narrow.get(0).length() && wide.get(0).length() <= 119,
                        "the wider window shows more: " + narrow + " -> " + wide);
                assertTrue(wide.get(0).contains("/s"), "the rate, dropped at 50 columns, is back: " + wide);
                assertTrue(wide.get(0).matches(".*waiting 0:00:0[3-9].*"), "a held read shows as waiting, not as an ETA: " + wide);

                window.resize(60, 12); // narrowed again before the end
                Thread.sleep(1_100);
                fs.release(hold);
                List<String> end = window.await(s -> s.stream().anyMatch(l -> l.startsWith("EXIT=")), 30_000,
                        "migrate ends once the read is released");
                assertTrue(end.contains("EXIT=0"), end.toString());
                int summary = end.size() - 1;
                while (summary > 0 && !end.get(summary).startsWith("linkrescue: migrate done")) summary--;
                assertTrue(end.get(summary).startsWith("linkrescue: migrate done"), end.toString());
                assertTrue(end.size() - 1 - summary >= 2, "the summary is broken into lines: " + end);
                for (String l : end.subList(summary, end.size())) assertTrue(l.length() <= 59, "fits 60 columns: " + l);
            } finally {
                fs.release();
            }
        }
    }
}
