package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.linkrescue.migrate.sink.Entries.dir;
import static org.linkrescue.migrate.sink.Entries.file;
import static org.linkrescue.migrate.sink.Entries.hardLink;
import static org.linkrescue.migrate.sink.Entries.with;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.stream.BytesContent;

/**
 * Depth costs linear time and memory (issue 17.4: a file 30,000 levels down took 64 s and
 * 1.6 GB, the directories being kept as whole prefixes and each re-walked from the root at the
 * end). The directories' metadata is still applied children before parents, through a walk that
 * holds a bounded number of descriptors and climbs back by "..".
 */
class DiskSinkDepthTest {
    static final int LEVELS = 3000;
    Path base, target;
    RecordingProblems problems = new RecordingProblems();

    /** On tmpfs: removing thousands of nested directories from a journaled disk takes seconds. */
    @BeforeEach void scratch() throws IOException {
        base = Files.createTempDirectory(Path.of("/dev/shm"), "lr-depth-");
        target = base.resolve("t");
    }

    @AfterEach void remove() throws Exception { TreeSnapshot.run(List.of("rm", "-rf", base.toString())); }

    DiskSink open(int fds) throws IOException {
        return DiskSink.open(Names.bytes(target.toString()), DiskSink.Options.defaults().withCachedDirFds(fds), problems);
    }

    static String chain(int levels) { return "d/".repeat(levels); }

    /** find's "%d %m %T@" of every directory (depth, mode, mtime), deepest last. */
    List<String> dirs() throws Exception {
        return TreeSnapshot.run(List.of("find", target.toString(), "-mindepth", "1", "-type", "d", "-printf", "%d %m %T@\n"))
                .lines().sorted((a, b) -> Integer.compare(Integer.parseInt(a.split(" ")[0]), Integer.parseInt(b.split(" ")[0])))
                .toList();
    }

    @Test
    void t01_aFileThousandsOfLevelsDownGetsEveryImplicitDirectoryItsModeWithFewDescriptors() throws Exception {
        int before = OpenFds.under(base);
        try (DiskSink sink = open(4)) {
            sink.accept(file(chain(LEVELS) + "f", 2), new BytesContent(Names.bytes("ok")));
            sink.finish();
        }
        assertEquals(before, OpenFds.under(base), "every descriptor given back");
        assertEquals(List.of(), problems.reports);
        List<String> d = dirs();
        assertEquals(LEVELS, d.size());
        assertTrue(d.stream().allMatch(l -> l.split(" ")[1].equals("755")), "implicit directories: 0755");
        assertEquals((LEVELS + 1) + " 2", TreeSnapshot.run(List.of("find", target.toString(), "-name", "f", "-printf", "%d %s")));
    }

    @Test
    void t02_explicitDirectoriesAfterTheirContentGetTheirModesAndTimesChildrenFirst() throws Exception {
        try (DiskSink sink = open(4)) {
            sink.accept(file(chain(LEVELS) + "f", 2), new BytesContent(Names.bytes("ok")));
            // tar --no-recursion order: the directories come after what is in them, deepest last here
            for (int i = 1; i <= LEVELS; i++) sink.accept(with(dir(chain(i), 0555), 0, 0, 1_500_000_000L + i, 7), null);
            sink.accept(file(chain(10) + "g", 1), new BytesContent(Names.bytes("g"))); // a second branch, shallow
            sink.finish();
        }
        assertEquals(List.of(), problems.reports);
        List<String> d = dirs();
        assertEquals(LEVELS, d.size());
        for (int i = 1; i <= LEVELS; i++) {
            assertEquals(i + " 555 " + (1_500_000_000L + i) + ".0000000070", d.get(i - 1), "level " + i);
        }
    }

    @Test
    void t03_hardLinksBetweenDeepBranchesFindTheirTargetsDirectory() throws Exception {
        try (DiskSink sink = open(4)) {
            sink.accept(file(chain(LEVELS) + "f", 2), new BytesContent(Names.bytes("ok")));
            for (int i = 0; i < 20; i++) sink.accept(hardLink("e/".repeat(LEVELS) + "l" + i, chain(LEVELS) + "f"), null);
            sink.finish();
        }
        assertEquals(List.of(), problems.reports);
        assertEquals((LEVELS + 1) + " 21", TreeSnapshot.run(List.of("find", target.toString(), "-name", "f", "-printf", "%d %n")));
    }
}
