package org.linkrescue.migrate.ddrescue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the mapfile format of GNU ddrescue 1.20 and later (and the "logfile" of earlier
 * versions, which is the same), as its manual describes it and as ddrescue reads it: a '#' at
 * the start of a line or after whitespace starts a comment; the first other line is the status
 * line (position, status character, and an optional decimal pass); every further line is a block
 * (position, size, status character), each starting where the one before ended. Numbers may be
 * decimal, 0x-hexadecimal or 0-octal, as C integer constants.
 *
 * <p>Stricter than ddrescue where a lenient reading could misplace damage: anything after the
 * status character (other than a comment) is an error, not ignored; a list with no block, a sign,
 * or a number past 2^63 is an error. A mapfile is a machine's file; a line that does not follow
 * the format means the file is something else, and a wrong damage map is worse than none.
 */
final class MapfileParser {
    private final String name;
    private int lineNo;

    private MapfileParser(String name) { this.name = name; }

    static Mapfile parse(byte[] text, String name) throws IOException {
        return new MapfileParser(name).parse(new String(text, StandardCharsets.ISO_8859_1));
    }

    private Mapfile parse(String text) throws IOException {
        String commandLine = null;
        long currentPos = -1;
        Mapfile.Phase phase = null;
        int pass = 0;
        List<MapBlock> blocks = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (lineNo = 1; lineNo <= lines.length; lineNo++) {
            String line = lines[lineNo - 1];
            int hash = commentStart(line);
            if (hash >= 0) {
                String comment = line.substring(hash + 1).trim();
                if (commandLine == null && comment.startsWith("Command line:"))
                    commandLine = comment.substring("Command line:".length()).trim();
                line = line.substring(0, hash);
            }
            String[] f = line.trim().split("[ \t\r\f\u000b]+");
            if (f.length == 1 && f[0].isEmpty()) continue;
            if (phase == null) {
                if (f.length < 2 || f.length > 3)
                    throw error("the status line must be 'POSITION STATUS [PASS]', not '" + line.trim() + "'");
                currentPos = number(f[0], "current position");
                phase = Mapfile.Phase.of(statusChar(f[1]));
                if (phase == null) throw error("status '" + f[1] + "' is not one of ? * / - F G +");
                pass = 1;
                if (f.length == 3) {
                    if (!f[2].matches("[0-9]{1,9}") || Integer.parseInt(f[2]) < 1)
                        throw error("pass '" + f[2] + "' is not a decimal number >= 1");
                    pass = Integer.parseInt(f[2]);
                }
                continue;
            }
            if (f.length != 3) throw error("a block line must be 'POSITION SIZE STATUS', not '" + line.trim() + "'");
            long pos = number(f[0], "position"), size = number(f[1], "size");
            BlockStatus status = BlockStatus.of(statusChar(f[2]));
            if (status == null) throw error("block status '" + f[2] + "' is not one of ? * / - +");
            if (size == 0 && !(pos == 0 && blocks.isEmpty()))
                throw error("a block of size 0 (only an empty first block at 0 may have it)");
            if (pos + size < 0) throw error("block " + f[0] + " + " + f[1] + " ends past 2^63");
            if (!blocks.isEmpty() && blocks.get(blocks.size() - 1).end() != pos)
                throw error("block at " + f[0] + " does not start where the one before ends (0x"
                        + Long.toHexString(blocks.get(blocks.size() - 1).end()).toUpperCase() + "): blocks must be contiguous");
            blocks.add(new MapBlock(pos, size, status));
        }
        lineNo = lines.length;
        if (phase == null) throw new IOException("ddrescue mapfile " + name + ": no status line: not a ddrescue mapfile");
        if (blocks.isEmpty()) throw new IOException("ddrescue mapfile " + name + ": lists no block: it says nothing of any sector");
        return new Mapfile(currentPos, phase, pass, blocks, commandLine);
    }

    /** Where a comment starts: a '#' first on the line or after whitespace; -1 when none. */
    private static int commentStart(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) return i;
        }
        return -1;
    }

    private char statusChar(String s) throws IOException {
        if (s.length() != 1) throw error("status '" + s + "' is not one character");
        return s.charAt(0);
    }

    /** A C integer constant without sign: 0x1F, 017, 15. */
    private long number(String s, String what) throws IOException {
        boolean hex = s.startsWith("0x") || s.startsWith("0X"), octal = !hex && s.length() > 1 && s.startsWith("0");
        int radix = hex ? 16 : octal ? 8 : 10;
        String digits = hex ? s.substring(2) : octal ? s.substring(1) : s;
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c < 128 && Character.digit(c, radix) >= 0))
            throw error(what + " '" + s + "' is not a number (decimal, 0x-hex or 0-octal)");
        try {
            return Long.parseLong(digits, radix);
        } catch (NumberFormatException e) {
            throw error(what + " '" + s + "' is past 2^63");
        }
    }

    private IOException error(String what) {
        return new IOException("ddrescue mapfile " + name + " line " + lineNo + ": " + what);
    }
}
