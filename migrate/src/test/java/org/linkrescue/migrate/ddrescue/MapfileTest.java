package org.linkrescue.migrate.ddrescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.testdata.Commands;

/** The mapfile as GNU ddrescue writes and reads it; ddrescuelog (same package as ddrescue) is the oracle. */
class MapfileTest {
    @TempDir Path dir;

    /** The example of ddrescue's manual ("Mapfile structure"), comments and all. */
    static final String MANUAL_EXAMPLE = """
            # Mapfile. Created by GNU ddrescue version 1.27
            # Command line: ddrescue -d -c18 /dev/fd0 fdimage mapfile
            # Start time:   2015-07-21 09:37:44
            # Current time: 2015-07-21 09:38:19
            # Copying non-tried blocks... Pass 1 (forwards)
            # current_pos  current_status  current_pass
            0x00120000     ?               1
            #      pos        size  status
            0x00000000  0x00117000  +
            0x00117000  0x00000200  -
            0x00117200  0x00001000  /
            0x00118200  0x00007E00  *
            0x00120000  0x00048000  ?
            """;

    @Test
    void t01_everyStatusOfTheManualsExampleIsRead() throws Exception {
        Mapfile m = parse(MANUAL_EXAMPLE);
        assertEquals(0x120000, m.currentPos());
        assertEquals(Mapfile.Phase.COPYING, m.phase());
        assertEquals(1, m.pass());
        assertEquals("ddrescue -d -c18 /dev/fd0 fdimage mapfile", m.commandLine());
        assertEquals(List.of(BlockStatus.FINISHED, BlockStatus.BAD_SECTOR, BlockStatus.NON_SCRAPED,
                BlockStatus.NON_TRIMMED, BlockStatus.NON_TRIED), m.blocks().stream().map(MapBlock::status).toList());
        assertEquals(0x168000, m.end());
        assertEquals(0x168000 - 0x117000, m.unrescuedBytes());
        List<MapBlock> u = m.unrescued();
        assertEquals(new MapBlock(0x117000, 0x200, BlockStatus.BAD_SECTOR), u.get(0));
        // the non-tried tail reaches past the list: ddrescue counts what it does not list as non-tried
        MapBlock tail = u.get(u.size() - 1);
        assertEquals(0x120000, tail.pos());
        assertEquals(Long.MAX_VALUE, tail.end());
    }

    /** Every sector we count as not rescued is one ddrescuelog lists for ?*\/-, and no other. */
    @Test
    void t02_unrescuedSectorsAgreeWithDdrescuelog() throws Exception {
        assumeTrue(Commands.available("ddrescuelog"), "needs ddrescuelog (Debian package gddrescue)");
        Random rnd = new Random(20);
        String statuses = "?*/-+";
        for (int round = 0; round < 5; round++) {
            StringBuilder text = new StringBuilder("# made by the test\n0x0 + 3\n");
            long pos = 0;
            List<MapBlock> written = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                long size = 512L * (1 + rnd.nextInt(9)) + (rnd.nextInt(4) == 0 ? rnd.nextInt(512) : 0);
                BlockStatus s = BlockStatus.of(statuses.charAt(rnd.nextInt(statuses.length())));
                String p = switch (i % 3) { case 0 -> "0x" + Long.toHexString(pos); case 1 -> Long.toString(pos); default -> "0" + Long.toOctalString(pos); };
                if (pos == 0) p = "0";
                text.append(p).append("\t ").append(size).append("  ").append(s.symbol()).append("   # block ").append(i).append('\n');
                written.add(new MapBlock(pos, size, s));
                pos += size;
            }
            Path file = Files.writeString(dir.resolve("round" + round + ".map"), text.toString());
            Mapfile m = Mapfile.read(file);
            assertEquals(written, m.blocks());
            TreeSet<Long> ours = new TreeSet<>();
            for (MapBlock b : m.unrescued()) {
                long end = Math.min(b.end(), m.end());
                for (long s = b.pos() / 512; s * 512 < end; s++) ours.add(s);
            }
            TreeSet<Long> theirs = new TreeSet<>();
            String listed = new String(Commands.run(null, "ddrescuelog", "-l", "?*/-", file.toString()), StandardCharsets.US_ASCII);
            for (String l : listed.split("\n")) if (!l.isBlank()) theirs.add(Long.parseLong(l.trim()));
            assertEquals(theirs, ours, "round " + round + ":\n" + text);
        }
    }

    /** A mapfile of real GNU ddrescue: a copy of a readable file is all finished; a copy stopped early leaves non-tried. */
    @Test
    void t03_realDdrescueMapfilesAreRead() throws Exception {
        assumeTrue(Commands.available("ddrescue"), "needs ddrescue (Debian package gddrescue)");
        Path in = dir.resolve("in");
        byte[] data = new byte[3 << 20];
        new Random(3).nextBytes(data);
        Files.write(in, data);
        Commands.run(dir, "ddrescue", "-q", "in", "whole.img", "whole.map");
        Mapfile whole = Mapfile.read(dir.resolve("whole.map"));
        assertEquals(Mapfile.Phase.FINISHED, whole.phase());
        assertEquals(List.of(new MapBlock(0, data.length, BlockStatus.FINISHED)), whole.blocks());
        assertEquals("ddrescue -q in whole.img whole.map", whole.commandLine());
        assertEquals(List.of(new MapBlock(data.length, Long.MAX_VALUE - data.length, BlockStatus.NON_TRIED)), whole.unrescued());

        Commands.run(dir, "ddrescue", "-q", "-i", "1MiB", "-s", "1MiB", "in", "part.img", "part.map");
        Mapfile part = Mapfile.read(dir.resolve("part.map"));
        assertEquals(List.of(new MapBlock(0, 1 << 20, BlockStatus.NON_TRIED), new MapBlock(1 << 20, 1 << 20, BlockStatus.FINISHED),
                new MapBlock(2 << 20, 1 << 20, BlockStatus.NON_TRIED)), part.blocks());
    }

    /** A block list that starts late: ddrescue takes the part before it as non-tried, and so do we. */
    @Test
    void t04_whatTheListDoesNotCoverIsNonTried() throws Exception {
        Mapfile m = parse("0x400 +\n0x200 0x200 +\n0x400 0x200 -\n");
        assertEquals(List.of(new MapBlock(0, 0x200, BlockStatus.NON_TRIED), new MapBlock(0x400, 0x200, BlockStatus.BAD_SECTOR),
                new MapBlock(0x600, Long.MAX_VALUE - 0x600, BlockStatus.NON_TRIED)), m.unrescued());
    }

    /**
     * Flaws are one line naming the file and line; ddrescuelog rejects the same files (exit 2),
     * except those marked "stricter", where it clamps or ignores what we refuse.
     */
    @Test
    void t05_flawsAreOneLineErrorsNamingTheLine() throws Exception {
        String[][] cases = {
                {"0 + 1\n0 0x200 +\n0x300 0x200 -\n", "line 3: block at 0x300 does not start where the one before ends (0x200)"},
                {"0 + 1\n0 0x200 x\n", "line 2: block status 'x' is not one of ? * / - +"},
                {"0 X 1\n0 0x200 +\n", "line 1: status 'X' is not one of ? * / - F G +"},
                {"0 + 0\n0 0x200 +\n", "line 1: pass '0' is not a decimal number >= 1"},
                {"0 + 1\n0 0x2g0 +\n", "line 2: size '0x2g0' is not a number"},
                {"0 + 1\n0 09 +\n", "line 2: size '09' is not a number"},
                {"0 + 1\n0 0x200\n", "line 2: a block line must be 'POSITION SIZE STATUS'"},
                {"0 + 1\n-1 0x200 +\n", "line 2: position '-1' is not a number"},
                {"0 + 1\n0 0x200 +\n0x200 0 -\n", "line 3: a block of size 0"},
                {"0 + 1\n0 0x7FFFFFFFFFFFFFFF +\n0x7FFFFFFFFFFFFFFF 0x10 -\n", "line 3: block 0x7FFFFFFFFFFFFFFF + 0x10 ends past 2^63", "stricter"},
                {"0 + 1\n0 0x8000000000000000 +\n", "line 2: size '0x8000000000000000' is past 2^63", "stricter"},
                {"# only comments\n\n", "no status line: not a ddrescue mapfile", "stricter"},
                {"0x0 + 1\n", "lists no block", "stricter"},
        };
        for (String[] c : cases) {
            IOException e = assertThrows(IOException.class, () -> parse(c[0]), c[0]);
            assertTrue(e.getMessage().startsWith("ddrescue mapfile t.map"), e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage() + "\n  expected: " + c[1]);
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            if (Commands.available("ddrescuelog") && c.length == 2) {
                Path f = Files.writeString(dir.resolve("oracle.map"), c[0]);
                assertThrows(IllegalStateException.class, () -> Commands.run(null, "ddrescuelog", "-t", f.toString()),
                        "ddrescuelog accepts what we refuse: " + c[0]);
            }
        }
    }

    /** Stricter than ddrescue: what follows a block's status is an error, not ignored (a comment after whitespace is fine). */
    @Test
    void t06_trailingWordsAreRefusedCommentsAreNot() throws Exception {
        IOException e = assertThrows(IOException.class, () -> parse("0 + 1\n0 0x200 + junk\n"));
        assertTrue(e.getMessage().contains("line 2: a block line must be"), e.getMessage());
        Mapfile m = parse("0 +\r\n0 0x200 +\t#  512 B annotated by ddrescuelog -A\r\n0x200 0x200 -#\r\n".replace("-#", "- #"));
        assertEquals(2, m.blocks().size());
        assertEquals(1, m.pass());
        e = assertThrows(IOException.class, () -> parse("0 + 1\n0 0x200 +#x\n"));
        assertTrue(e.getMessage().contains("status '+#x' is not one character"), e.getMessage());
    }

    private Mapfile parse(String text) throws IOException {
        return MapfileParser.parse(text.getBytes(StandardCharsets.ISO_8859_1), "t.map");
    }
}
