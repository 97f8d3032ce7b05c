package org.linkrescue.migrate.ddrescue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A GNU ddrescue mapfile: where ddrescue stood (the status line) and the status of every byte of
 * the device it read (the block list). Positions are the device's (ddrescue's input positions).
 *
 * @param currentPos   the status line's position
 * @param phase        what ddrescue was doing when it last wrote the mapfile
 * @param pass         the pass of that phase
 * @param blocks       contiguous, in order; the first may start after 0
 * @param commandLine  the "# Command line:" comment, or null: names the image ddrescue wrote
 */
public record Mapfile(long currentPos, Phase phase, int pass, List<MapBlock> blocks, String commandLine) {
    public Mapfile {
        blocks = List.copyOf(blocks);
    }

    /** The status line's character: the phase ddrescue was in. */
    public enum Phase {
        COPYING('?'), TRIMMING('*'), SCRAPING('/'), RETRYING('-'), FILLING('F'), GENERATING('G'), FINISHED('+');

        private final char symbol;

        Phase(char symbol) { this.symbol = symbol; }

        public char symbol() { return symbol; }

        static Phase of(char c) {
            for (Phase p : values()) if (p.symbol == c) return p;
            return null;
        }
    }

    /** Reads and checks a mapfile; every flaw is an {@link IOException} naming the file and line. */
    public static Mapfile read(Path file) throws IOException {
        byte[] text;
        try {
            text = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("ddrescue mapfile " + file + ": no such file");
        } catch (IOException e) {
            throw new IOException("ddrescue mapfile " + file + ": cannot read: " + e.getMessage(), e);
        }
        return MapfileParser.parse(text, file.toString());
    }

    /** The first byte no block describes: ddrescue counts everything from here on as non-tried. */
    public long end() { return blocks.isEmpty() ? 0 : blocks.get(blocks.size() - 1).end(); }

    /**
     * The areas ddrescue did not rescue, in order, adjacent ones of one status merged: every
     * block not finished, and what the list does not cover (before its first block, from
     * {@link #end} on), which ddrescue itself treats as non-tried.
     */
    public List<MapBlock> unrescued() {
        List<MapBlock> out = new ArrayList<>();
        if (!blocks.isEmpty() && blocks.get(0).pos() > 0) out.add(new MapBlock(0, blocks.get(0).pos(), BlockStatus.NON_TRIED));
        for (MapBlock b : blocks) {
            if (b.status().rescued() || b.size() == 0) continue;
            MapBlock last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.end() == b.pos() && last.status() == b.status())
                out.set(out.size() - 1, new MapBlock(last.pos(), last.size() + b.size(), b.status()));
            else out.add(b);
        }
        long end = end();
        MapBlock last = out.isEmpty() ? null : out.get(out.size() - 1);
        if (last != null && last.end() == end && last.status() == BlockStatus.NON_TRIED)
            out.set(out.size() - 1, new MapBlock(last.pos(), Long.MAX_VALUE - last.pos(), BlockStatus.NON_TRIED));
        else out.add(new MapBlock(end, Long.MAX_VALUE - end, BlockStatus.NON_TRIED));
        return out;
    }

    /** Bytes of the block list that are not finished (the tail past {@link #end} not counted). */
    public long unrescuedBytes() {
        long n = 0;
        for (MapBlock b : blocks) if (!b.status().rescued()) n += b.size();
        return n;
    }
}
