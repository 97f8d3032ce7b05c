package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.migrate.sink.Entries.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.stream.BytesContent;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * Entries an attacker would write, each refused with a FAILED report and nothing made for it,
 * and nothing outside TARGET changed (compared with find(1) before and after, ctime included, so
 * a new hard link or a chmod outside would show). Made on one lane here, on two in
 * {@link DiskSinkHostileLanesTest}: the refusals are the same.
 */
class DiskSinkHostileTest {
    @TempDir Path base;
    Path target, outside;
    String before;
    final RecordingProblems problems = new RecordingProblems();
    DiskSink sink;

    @BeforeEach
    void setUp() throws Exception {
        outside = Files.createDirectory(base.resolve("outside"));
        Files.writeString(outside.resolve("x"), "secret");
        Files.createDirectory(outside.resolve("d"));
        target = Files.createDirectory(base.resolve("target"));
    }

    /** Threads making the entries. */
    int lanes() { return 1; }

    private void open(boolean allowExisting) throws Exception {
        before = TreeSnapshot.of(base, target);
        sink = DiskSink.open(Names.bytes(target.toString()),
                DiskSink.Options.defaults().withAllowExisting(allowExisting).withLanes(lanes()), problems);
    }

    @AfterEach
    void nothingOutsideTargetChanged() throws Exception {
        if (sink != null) sink.close();
        if (before != null) assertEquals(before, TreeSnapshot.of(base, target), "outside TARGET changed");
    }

    private void put(Entry e) throws IOException {
        sink.accept(e, null);
    }

    private BytesContent put(Entry e, String data) throws IOException {
        BytesContent c = new BytesContent(Names.bytes(data));
        sink.accept(e, c);
        return c;
    }

    private void assertRefused(String path, String reasonPart) throws IOException {
        sink.drain(); // with lanes, accept returns before the entry is made
        RecordingProblems.Report r = problems.only(path);
        assertEquals(Grade.FAILED, r.grade(), r.toString());
        assertTrue(r.what().startsWith("refused: ") && r.what().contains(reasonPart), r.toString());
    }

    /** After the hostile entries, an honest one still works: the stream stayed in step. */
    private void honestEntryStillWorks() throws IOException {
        put(file("honest", 2), "ok");
        sink.finish();
        assertEquals("ok", Files.readString(target.resolve("honest")));
    }

    @Test
    void t01_absolutePathIsRefused() throws Exception {
        open(false);
        String abs = outside.resolve("new").toString();
        BytesContent c = put(file(abs, 4), "evil");
        put(dir("/" + outside.resolve("d2")));
        put(symlink(outside.resolve("s").toString(), "x"));
        assertRefused(abs, "absolute path");
        assertTrue(c.wasFed(), "the refused file's data was consumed");
        assertEquals(3, sink.counts().refused());
        honestEntryStillWorks();
        assertEquals(1, Files.list(target).count());
    }

    @Test
    void t02_dotDotComponentIsRefused() throws Exception {
        open(false);
        put(file("../outside/y", 4), "evil");
        put(file("a/../../outside/y", 4), "evil");
        put(dir(".."));
        put(symlink("../outside/s", "x"));
        put(file("a/b/..", 4), "evil");
        assertRefused("../outside/y", "'..' component");
        assertRefused("a/../../outside/y", "'..' component");
        assertRefused("..", "'..' component");
        assertEquals(5, sink.counts().refused());
        honestEntryStillWorks();
        assertFalse(Files.exists(target.resolve("a")), "nothing made for a refused entry, not even its parents");
    }

    @Test
    void t03_fileThroughSymlinkFromSameStreamIsRefused() throws Exception {
        open(false);
        put(symlink("a", outside.toString()));
        put(symlink("b", "../outside"));
        put(dir("c"));
        put(symlink("c/up", "../../outside"));
        put(file("a/x", 4), "evil");
        put(file("a/new", 4), "evil");
        put(dir("b/d"));
        put(file("c/up/new", 4), "evil");
        put(symlink("a/s", "x"));
        put(file("a", 4), "evil"); // over the symlink itself: never followed, never replaced
        assertRefused("a/x", "parent 'a' is a symlink");
        assertRefused("a/new", "parent 'a' is a symlink");
        assertRefused("b/d", "parent 'b' is a symlink");
        assertRefused("c/up/new", "parent 'c/up' is a symlink");
        assertRefused("a/s", "parent 'a' is a symlink");
        assertRefused("a", "exists");
        honestEntryStillWorks();
        assertTrue(Files.isSymbolicLink(target.resolve("a")));
        assertEquals("secret", Files.readString(outside.resolve("x")));
    }

    @Test
    void t04_fileThroughSymlinkAlreadyInTargetIsRefused() throws Exception {
        Files.createSymbolicLink(target.resolve("a"), outside);
        Files.createSymbolicLink(target.resolve("x"), outside.resolve("x"));
        Files.writeString(target.resolve("f"), "plain");
        open(true);
        put(file("a/x", 4), "evil");
        put(dir("a/d"));
        put(dir("a")); // a directory entry over a symlink to a directory: not a merge
        put(file("x", 4), "evil");
        put(file("f/y", 4), "evil");
        put(hardLink("a/h", "honest"));
        assertRefused("a/x", "parent 'a' is a symlink");
        assertRefused("a/d", "parent 'a' is a symlink");
        assertRefused("a", "exists");
        assertRefused("x", "exists");
        assertRefused("f/y", "parent 'f' is not a directory");
        honestEntryStillWorks();
        assertEquals("plain", Files.readString(target.resolve("f")));
    }

    @Test
    void t05_hardLinkToOutsideIsRefused() throws Exception {
        open(false);
        put(symlink("lnk", outside.toString()));
        put(hardLink("h1", "../outside/x"));
        put(hardLink("h2", outside.resolve("x").toString()));
        put(hardLink("h3", "lnk/x"));
        put(hardLink("h4", "lnk"));
        assertRefused("h1", "hard link to '../outside/x'");
        assertRefused("h2", "absolute path");
        assertRefused("h3", "not a regular file extracted in this run");
        assertRefused("h4", "not a regular file extracted in this run");
        honestEntryStillWorks();
        assertFalse(Files.exists(target.resolve("h1"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(1, Files.getAttribute(outside.resolve("x"), "unix:nlink"));
    }

    @Test
    void t06_hardLinkToSymlinkIsRefused() throws Exception {
        open(false);
        put(symlink("s", outside.resolve("x").toString()));
        put(symlink("rel", "../outside/x"));
        put(hardLink("h", "s"));
        put(hardLink("h2", "rel"));
        assertRefused("h", "hard link to 's' which is not a regular file extracted in this run");
        assertRefused("h2", "not a regular file extracted in this run");
        honestEntryStillWorks();
        assertFalse(Files.exists(target.resolve("h"), LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void t07_hardLinkToFileNotExtractedThisRunIsRefused() throws Exception {
        Files.writeString(target.resolve("old"), "was here");
        Files.createLink(target.resolve("outlink"), outside.resolve("x")); // a trap laid beforehand
        open(true);
        put(dir("d"));
        put(hardLink("h1", "old"));
        put(hardLink("h2", "outlink"));
        put(hardLink("h3", "d"));
        put(hardLink("h4", "missing"));
        put(hardLink("h5", "missing/deeper/x"));
        put(hardLink("h6", "."));
        for (String h : new String[] {"h1", "h2", "h3", "h4", "h5", "h6"}) {
            assertRefused(h, "not a regular file extracted in this run");
        }
        honestEntryStillWorks();
        assertEquals(2, Files.getAttribute(outside.resolve("x"), "unix:nlink"));
        assertEquals(1, Files.getAttribute(target.resolve("old"), "unix:nlink"));
    }

    @Test
    void t08_existingFileIsNeverOverwritten() throws Exception {
        Files.writeString(target.resolve("f"), "old");
        Files.createLink(target.resolve("shared"), outside.resolve("x"));
        open(true);
        BytesContent c = put(file("f", 3), "new");
        put(file("shared", 4), "evil");
        put(symlink("f", "elsewhere"));
        put(special(org.linkrescue.archive.EntryType.FIFO, "f", 0644, 0, 0));
        put(dir("f"));
        put(file("g", 5), "first");
        put(file("g", 6), "second");
        put(hardLink("f", "g"));
        assertTrue(c.wasFed());
        sink.drain();
        assertEquals(7, problems.of(Grade.FAILED).size(), problems.toString());
        assertTrue(problems.of(Grade.FAILED).stream().allMatch(r -> r.what().equals("refused: exists")), problems.toString());
        honestEntryStillWorks();
        assertEquals("old", Files.readString(target.resolve("f")));
        assertEquals("first", Files.readString(target.resolve("g")));
        assertEquals("secret", Files.readString(outside.resolve("x")));
    }

    @Test
    void t09_directorySwappedForSymlinkBeforeItsMetadataIsSetIsNotFollowed() throws Exception {
        Files.createDirectories(outside.resolve("d2/e"));
        open(false);
        put(dir("d", 0777));
        put(dir("d/e", 0777));
        put(file("d/e/f", 1), "f");
        // Someone swaps the directory for a symlink out of the target before finish().
        Files.move(target.resolve("d"), base.resolve("moved"));
        Files.createSymbolicLink(target.resolve("d"), outside.resolve("d2"));
        before = TreeSnapshot.of(base, target);
        sink.finish();
        assertEquals(Grade.FAILED, problems.only("d").grade());
        assertTrue(problems.only("d").what().contains("no longer a directory"), problems.toString());
        assertTrue(problems.only("d/e").what().contains("parent 'd' is a symlink"), problems.toString());
    }
}
