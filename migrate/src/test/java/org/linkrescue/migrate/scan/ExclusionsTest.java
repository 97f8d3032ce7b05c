package org.linkrescue.migrate.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;

/** --exclude as GNU tar reads it: every pattern here is checked against tar 1.34 itself. */
class ExclusionsTest {
    @TempDir Path dir;

    private Path tree() throws IOException {
        Path src = dir.resolve("src");
        for (String d : List.of("a/cache/x", "b/sub/cache", "c", "daily.0/home/.cache", "we[ird"))
            Files.createDirectories(src.resolve(d));
        for (String f : List.of("a/cache/x/f", "a/f.tmp", "c/g", "a.tmp", "b/sub/h.tmp", "c/sp ace", "c/x\\y",
                "daily.0/home/.cache/z", "daily.0/home/notes.TXT", "c/#c", "c/q?", "c/star*", "c/7.log", "c/]b"))
            Files.writeString(src.resolve(f), "x");
        Files.write(src.resolve(Names.latin1(new byte[] {'c', '/', 'l', (byte) 0xe9, 't', 'e'})), new byte[] {1});
        return src;
    }

    /** What our walk keeps, as "./path" names. */
    private static TreeSet<String> ours(Path src, Exclusions ex) throws IOException {
        TreeSet<String> kept = new TreeSet<>();
        new TreeScanner((g, p, w) -> fail(w), ex).walk(Names.bytes(src.toString()), p -> {
            if (!p.isRoot()) kept.add("./" + Names.latin1(p.path()));
        });
        return kept;
    }

    /** What GNU tar archives of the same tree with these options, as "./path" names. */
    private static TreeSet<String> tars(Path src, List<String> options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "tar -C \"$0\" -cf - \"$@\" . | tar --quoting-style=literal -tf -", src.toString()));
        cmd.addAll(options);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LC_ALL", "C");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertEquals(0, p.waitFor(), err);
        TreeSet<String> kept = new TreeSet<>();
        for (String l : out.split("\n")) {
            if (l.isEmpty() || l.equals("./")) continue;
            kept.add(l.endsWith("/") ? l.substring(0, l.length() - 1) : l);
        }
        return kept;
    }

    @Test
    void t01_eachPatternLeavesOutWhatGnuTarsExcludeLeavesOut() throws Exception {
        Path src = tree();
        List<String> patterns = List.of("cache", "cache/", "*.tmp", "a/*", "a/cache", "./a", "b/sub", "*/cache", "sub/*.tmp",
                "/a", "?.tmp", "[ab].tmp", "we[ird", "we\\[ird", "a*", "sp ace", "*.[Tt][Xx][Tt]", "[!a-c]*", "[^a-c]/g",
                "[[:digit:]].log", "[]]b", "c/x\\\\y", "q\\?", "star\\*", "daily.0/home/.cache", ".cache", "home",
                "c/l\u00e9te", "*/*/*", "**", "c/[", "\\");
        for (String pattern : patterns) {
            assertEquals(tars(src, List.of("--exclude=" + pattern)),
                    ours(src, Exclusions.of(List.of(Names.bytes(pattern)))), "--exclude=" + pattern);
        }
    }

    @Test
    void t02_anExcludeFromFileIsReadAsTarMinusXReadsIt() throws Exception {
        Path src = tree();
        byte[] text = "#c\n\n*.tmp \t\r\n  \nb/sub\nc/sp ace\n".getBytes(StandardCharsets.ISO_8859_1);
        Path list = Files.write(dir.resolve("list"), text);
        assertEquals(tars(src, List.of("-X", list.toString())), ours(src, Exclusions.of(Exclusions.lines(text))));
        assertEquals(List.of("#c", "*.tmp", "b/sub", "c/sp ace"),
                Exclusions.lines(text).stream().map(Names::latin1).toList());
    }

    @Test
    void t03_anArchivesEntryIsLeftOutWhenADirectoryAboveItIs() {
        Exclusions ex = Exclusions.of(List.of(Names.bytes("cache"), Names.bytes("x/*.log")));
        assertTrue(ex.excludesWithin(Names.bytes("a/cache/deep/file")));
        assertTrue(ex.excludesWithin(Names.bytes("a/x/y/z.log")), "'*' matches '/'");
        assertFalse(ex.excludesWithin(Names.bytes("a/cached/file")));
        assertFalse(ex.excludes(Names.bytes("a/cache/deep/file")), "a walk asks for the path alone: its parents were asked before");
    }
}
