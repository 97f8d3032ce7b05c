package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.cli.CliTestSupport.Result;

/** extract -f F -C DST PATH...: only the members asked for, as tar takes them (issue 18). */
class ExtractMembersTest {
    @TempDir Path dir;
    Path src, ours, gnu;

    @BeforeEach void archives() throws Exception {
        src = dir.resolve("src");
        Files.createDirectories(src.resolve("2024-01-01/home/docs"));
        Files.createDirectories(src.resolve("2024-01-02/home"));
        Files.writeString(src.resolve("2024-01-01/home/docs/a"), "A");
        Files.writeString(src.resolve("2024-01-01/home/notes"), "notes");
        Files.createLink(src.resolve("2024-01-02/home/notes"), src.resolve("2024-01-01/home/notes"));
        Files.writeString(src.resolve("2024-01-02/home/new"), "new");
        ours = dir.resolve("ours.tar");
        assertEquals(0, CliTestSupport.run("archive", src.toString(), "-f", ours.toString(), "-q").code());
        gnu = dir.resolve("gnu.tar.gz"); // "./"-prefixed names, compressed: members still match
        CliTestSupport.sh(null, "tar", "-C", src.toString(), "-czf", gnu.toString(), ".");
    }

    private static String listing(Path root) throws Exception {
        return CliTestSupport.sh(root, "sh", "-c", "find . -mindepth 1 -printf '%p %n\\n' | LC_ALL=C sort");
    }

    @Test void t01_theMembersAndEverythingBelowThemAreExtracted_asGnuTarExtractsThem() throws Exception {
        for (List<String> members : List.of(List.of("2024-01-01/home/docs"), List.of("2024-01-02/home/new", "2024-01-01/home/docs/a"),
                List.of("2024-01-01"))) {
            Path want = Files.createDirectories(dir.resolve("tar" + members.hashCode()));
            List<String> tar = new java.util.ArrayList<>(List.of("tar", "-xf", ours.toString(), "-C", want.toString()));
            tar.addAll(members);
            CliTestSupport.sh(null, tar.toArray(String[]::new));
            for (Path archive : new Path[] {ours, gnu}) {
                Path got = dir.resolve("ours" + members.hashCode() + archive.getFileName());
                List<String> args = new java.util.ArrayList<>(List.of("extract", "-f", archive.toString(), "-C", got.toString(), "-q"));
                args.addAll(members);
                Result r = CliTestSupport.run(args.toArray(String[]::new));
                assertEquals(0, r.code(), r.err());
                assertEquals(listing(want), listing(got), members + " from " + archive.getFileName());
            }
        }
    }

    @Test void t02_aHardLinkAskedForWithoutItsFirstPathStillGetsItsBytes_whereTarFails() throws Exception {
        Path got = dir.resolve("got");
        Result r = CliTestSupport.run("extract", "-f", ours.toString(), "-C", got.toString(), "2024-01-02/home/notes");
        assertEquals(0, r.code(), r.err());
        assertEquals("notes", Files.readString(got.resolve("2024-01-02/home/notes")));
        Path both = dir.resolve("both");
        assertEquals(0, CliTestSupport.run("extract", "-f", gnu.toString(), "-C", both.toString(), "-q", "2024-01-02", "2024-01-01/home/notes").code());
        assertEquals(Files.getAttribute(both.resolve("2024-01-01/home/notes"), "unix:ino"),
                Files.getAttribute(both.resolve("2024-01-02/home/notes"), "unix:ino"), "the link is kept among the members");
    }

    @Test void t03_aMemberNotInTheArchiveIsNamed_andAPipesLinkWithoutItsBytesIsReported() throws Exception {
        Result r = CliTestSupport.run("extract", "-f", ours.toString(), "-C", dir.resolve("x").toString(), "2024-01-09", "2024-01-02/home/new");
        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().startsWith("linkrescue: FAILED 2024-01-09: not found in the archive\n"), r.err());
        assertEquals("new", Files.readString(dir.resolve("x/2024-01-02/home/new")));
        Result pipe = CliTestSupport.runWithInput(new ByteArrayInputStream(Files.readAllBytes(ours)),
                "extract", "-f", "-", "-C", dir.resolve("p").toString(), "2024-01-02/home/notes");
        assertEquals(3, pipe.code(), pipe.err());
        assertTrue(pipe.err().startsWith("linkrescue: FAILED 2024-01-02/home/notes: hard link to an entry that is not among the members"
                + " extracted: not made (name that path too, or give the archive as a file rather than a pipe)\n"), pipe.err());
    }
}
