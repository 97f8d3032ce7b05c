package org.linkrescue.migrate.map;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.rescue.Alternate;
import org.linkrescue.migrate.rescue.Candidate;
import org.linkrescue.migrate.rescue.DamagedInodeRecord;
import org.linkrescue.migrate.rescue.RescueReport;
import org.linkrescue.migrate.rescue.Verdict;
import org.linkrescue.migrate.stream.Alternates;
import org.linkrescue.migrate.stream.Problems.Grade;
import org.linkrescue.migrate.stream.Provenance;

/**
 * The one place that knows the rescue map's lines (docs/rescue-map.md): how each record is
 * written, and how a map is read back into a {@link MapState}. A map is a header, then groups of
 * records, each group closed by a {@code checkpoint CRC} line whose CRC-32 covers every byte of
 * the group before it; a group counts only once its checkpoint line is there and right, so a
 * run killed while appending (or a torn last block after a power loss) loses only that group.
 */
public final class MapRecords {
    private MapRecords() {}

    static final String MAGIC = "linkrescue-map";

    // ---- writing ------------------------------------------------------------------------------

    static void header(StringBuilder sb, MapHeader h) {
        sb.append("# Rescue map of linkrescue (format: docs/rescue-map.md). Do not edit while a run uses it.\n");
        sb.append("# Command line: ").append(comment(h.commandLine())).append('\n');
        sb.append("# Start time:   ").append(Instant.ofEpochSecond(h.startedSec())).append('\n');
        sb.append("# Resume with:  ").append(comment(h.resumeCommand())).append('\n');
        sb.append(MAGIC).append(' ').append(MapHeader.VERSION).append('\n');
        sb.append("command ").append(h.command()).append('\n');
        sb.append("started ").append(MapText.time(h.startedSec(), h.startedNsec())).append('\n');
        for (MapHeader.Option o : h.options()) {
            sb.append("option ").append(o.name()).append(' ').append(MapText.latin1(o.value())).append('\n');
        }
        sb.append("resume ").append(MapText.latin1(h.resumeCommand())).append('\n');
    }

    /** A comment may hold anything but a line break. */
    private static String comment(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) out.append(c < 0x20 || c > 0x7e ? '?' : c);
        return out.toString();
    }

    static void dir(StringBuilder sb, Entry e) {
        sb.append("dir ").append(Integer.toOctalString(e.mode() & 07777)).append(' ').append(Integer.toUnsignedString(e.uid()))
                .append(' ').append(Integer.toUnsignedString(e.gid())).append(' ').append(MapText.time(e.mtimeSec(), e.mtimeNsec()))
                .append(' ').append(MapText.field(e.path()));
        for (Map.Entry<String, byte[]> x : e.extra().entrySet()) {
            sb.append(' ').append(MapText.latin1(x.getKey())).append(' ').append(MapText.field(x.getValue()));
        }
        sb.append('\n');
    }

    static void implicit(StringBuilder sb, byte[] path, int depth) {
        sb.append("implicit ").append(depth).append(' ').append(MapText.field(path)).append('\n');
    }

    /** An inode with links to come; firstPath null: it could not be read. */
    static void inode(StringBuilder sb, long dev, long ino, int remaining, byte[] firstPath) {
        sb.append(firstPath == null ? "failed " : "inode ").append(dev).append(' ').append(ino).append(' ').append(remaining);
        if (firstPath != null) sb.append(' ').append(MapText.field(firstPath));
        sb.append('\n');
    }

    static void closed(StringBuilder sb, long dev, long ino) {
        sb.append("closed ").append(dev).append(' ').append(ino).append('\n');
    }

    /** Inodes of one device made in TARGET. */
    static void made(StringBuilder sb, long dev, long[] inos, int from, int to) {
        sb.append("made ").append(dev);
        for (int i = from; i < to; i++) sb.append(' ').append(inos[i]);
        sb.append('\n');
    }

    static void copy(StringBuilder sb, byte[] named, byte[] copy) {
        sb.append("copy ").append(MapText.field(named)).append(' ').append(MapText.field(copy)).append('\n');
    }

    /** A damaged inode's record; its paths follow as {@link #path} records. */
    static void damaged(StringBuilder sb, DamagedInodeRecord r) {
        long dev = r.devId(), ino = r.ino();
        sb.append("damaged ").append(dev).append(' ').append(ino).append(' ').append(r.size()).append(' ')
                .append(MapText.time(r.mtimeSec(), r.mtimeNsec())).append(' ').append(r.leftOut() ? "leftout" : "written")
                .append(' ').append(r.provenance().damaged() ? "lost" : "whole").append(' ')
                .append(r.sha256() == null ? "-" : r.sha256()).append('\n');
        for (String e : r.errors()) sb.append("error ").append(dev).append(' ').append(ino).append(' ').append(MapText.text(e)).append('\n');
        for (Verdict v : r.candidates()) {
            Candidate c = v.candidate();
            sb.append("candidate ").append(dev).append(' ').append(ino).append(' ').append(v.accepted() ? "accepted" : "rejected")
                    .append(' ').append(c.alternate().kind().word()).append(' ').append(MapText.field(c.alternate().dir()))
                    .append(' ').append(MapText.field(c.relPath())).append(' ').append(MapText.text(v.reason())).append('\n');
        }
        for (Provenance.Range g : r.provenance().ranges()) {
            sb.append("written ").append(dev).append(' ').append(ino).append(' ').append(g.offset()).append('+').append(g.length())
                    .append(' ').append(MapText.latin1(g.origin())).append('\n');
        }
        blocks(sb, blocksOf(r));
    }

    /** The blocks of a damaged inode once its rescue has ended: bad ranges '-', the rest '+'. */
    static MapState.InodeBlocks blocksOf(DamagedInodeRecord r) {
        List<MapState.InodeBlocks.Block> out = new ArrayList<>();
        long at = 0;
        for (ByteRange b : r.badRanges()) {
            if (b.offset() > at) out.add(new MapState.InodeBlocks.Block(at, b.offset() - at, '+'));
            out.add(new MapState.InodeBlocks.Block(b.offset(), b.length(), '-'));
            at = b.end();
        }
        if (at < r.size()) out.add(new MapState.InodeBlocks.Block(at, r.size() - at, '+'));
        return new MapState.InodeBlocks(r.devId(), r.ino(), r.size(), out);
    }

    static void blocks(StringBuilder sb, MapState.InodeBlocks b) {
        sb.append("blocks ").append(b.dev()).append(' ').append(b.ino()).append(' ').append(b.size());
        for (MapState.InodeBlocks.Block k : b.blocks()) {
            sb.append(' ').append(k.offset()).append('+').append(k.length()).append(':').append(k.status());
        }
        sb.append('\n');
    }

    /** An inode copied as read whose bytes nothing could vouch for (a ddrescue mapfile's unread areas); its paths follow as {@link #unverifiablePath}. */
    static void unverifiable(StringBuilder sb, RescueReport.Unverifiable u) {
        sb.append("unverifiable ").append(u.devId()).append(' ').append(u.ino()).append(' ').append(u.size()).append(' ')
                .append(MapText.text(u.why())).append('\n');
    }

    static void unverifiablePath(StringBuilder sb, long dev, long ino, byte[] path) {
        sb.append("upath ").append(dev).append(' ').append(ino).append(' ').append(MapText.field(path)).append('\n');
    }

    /**
     * A directory the drive could not list, or a name it could not lstat, and what was made of it
     * (the report's rescue.unreadable); the paths copied unverified follow as {@code uvpath}.
     */
    static void unreadable(StringBuilder sb, Alternates.Unreadable u) {
        String at = MapText.field(u.path());
        sb.append("unreadable ").append(u.directory() ? "dir" : "name").append(' ').append(at).append(' ').append(MapText.text(u.error()))
                .append(' ').append(u.filledFrom() == null ? "-" : MapText.latin1(u.filledFrom())).append(' ').append(u.pathsFilled())
                .append(' ').append(u.pathsVerified()).append(' ').append(u.pathsUnverified()).append('\n');
        for (byte[] p : u.unverified()) sb.append("uvpath ").append(at).append(' ').append(MapText.field(p)).append('\n');
    }

    static void path(StringBuilder sb, long dev, long ino, byte[] path) {
        sb.append("dpath ").append(dev).append(' ').append(ino).append(' ').append(MapText.field(path)).append('\n');
    }

    /** A state a later part of the rescue keeps per inode (issue 16's passes): owner names whose it is. */
    static void inodeState(StringBuilder sb, MapState.InodeState st) {
        sb.append("istate ").append(st.dev()).append(' ').append(st.ino()).append(' ').append(MapText.latin1(st.owner()))
                .append(' ').append(MapText.field(st.value())).append('\n');
    }

    static void problem(StringBuilder sb, ProblemLog.Problem p) {
        sb.append("problem ").append(p.grade().name()).append(' ').append(p.path() == null ? "-" : MapText.field(p.path()))
                .append(' ').append(MapText.text(p.what())).append('\n');
    }

    static void mark(StringBuilder sb, byte[] path, Provenance p) {
        sb.append("mark ").append(MapText.field(path)).append(' ').append(p.damaged() ? "lost" : "whole");
        for (Provenance.Range g : p.ranges()) {
            sb.append(' ').append(g.offset()).append('+').append(g.length()).append(':').append(MapText.latin1(g.origin()));
        }
        sb.append('\n');
    }

    static void totals(StringBuilder sb, MapState.Totals t) {
        sb.append("totals paths=").append(t.paths()).append(" files=").append(t.files()).append(" hardLinks=").append(t.hardLinks())
                .append(" dirs=").append(t.dirs()).append(" symlinks=").append(t.symlinks()).append(" specials=").append(t.specials())
                .append(" bytes=").append(t.bytes()).append(" inodesRead=").append(t.inodesRead())
                .append(" damagedInodes=").append(t.damagedInodes()).append(" elapsedMillis=").append(t.elapsedMillis()).append('\n');
    }

    static void rescue(StringBuilder sb, MapState.RescueTotals r) {
        sb.append("rescue inodesRead=").append(r.inodesRead()).append(" bytesRead=").append(r.bytesRead())
                .append(" abandonedReads=").append(r.abandonedReads()).append('\n');
    }

    static void output(StringBuilder sb, String name, MapState.OutputMark m) {
        sb.append("output ").append(name).append(" offset=").append(m.offset()).append(" tar=").append(m.tarBytes()).append('\n');
    }

    static void status(StringBuilder sb, long entries, byte[] last, char phase, int pass) {
        sb.append("status entries=").append(entries).append(" phase=").append(phase).append(" pass=").append(pass)
                .append(" at=").append(System.currentTimeMillis() / 1000)
                .append(" last=").append(last == null ? "-" : MapText.field(last)).append('\n');
    }

    /** Closes a group: the CRC-32 of every byte of it, as 8 hex digits. */
    static String checkpointLine(CRC32 crc) {
        return String.format("checkpoint %08x\n", crc.getValue());
    }

    /** Everything a map says, as one group (a compacted map: what the replay of it gives, nothing more). */
    static void state(StringBuilder sb, MapState s) {
        header(sb, s.header());
        for (MapState.ImplicitDir d : s.implicitDirs()) implicit(sb, d.path(), d.depth());
        for (Entry d : s.dirs()) dir(sb, d);
        for (MapState.OpenInode o : s.openInodes()) inode(sb, o.dev(), o.ino(), o.remaining(), o.firstPath());
        MadeInodes m = s.made();
        long[] inos = new long[32];
        int n = 0;
        long dev = -1;
        for (int i = 0; i < m.size(); i++) {
            if (m.dev(i) != dev || n == inos.length) {
                if (n > 0) made(sb, dev, inos, 0, n);
                dev = m.dev(i);
                n = 0;
            }
            inos[n++] = m.ino(i);
        }
        if (n > 0) made(sb, dev, inos, 0, n);
        for (MapState.Copy c : s.copies()) copy(sb, c.named(), c.copy());
        for (DamagedInodeRecord r : s.damaged()) {
            damaged(sb, r);
            for (byte[] p : r.paths()) path(sb, r.devId(), r.ino(), p);
        }
        for (var u : s.unverifiable()) {
            unverifiable(sb, u);
            for (byte[] p : u.paths()) unverifiablePath(sb, u.devId(), u.ino(), p);
        }
        for (Alternates.Unreadable u : s.unreadable()) unreadable(sb, u);
        for (MapState.InodeBlocks b : s.blocks()) blocks(sb, b); // after the damaged ones': a pass's later blocks win
        for (MapState.InodeState st : s.inodeStates()) inodeState(sb, st);
        for (ProblemLog.Problem p : s.problems()) problem(sb, p);
        for (MapState.Mark k : s.marks()) mark(sb, k.path(), k.provenance());
        totals(sb, s.totals());
        rescue(sb, s.rescue());
        for (Map.Entry<String, MapState.OutputMark> o : s.outputs.entrySet()) output(sb, o.getKey(), o.getValue());
        status(sb, s.entries(), s.last(), s.phase(), s.pass());
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * Reads a map up to its last whole group.
     *
     * @throws MapException the map is not one, of another version, or a whole group holds a
     *                      line that does not parse (edited or damaged)
     */
    public static MapState replay(InputStream raw, String shown) throws IOException {
        MapState s = new MapState();
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        List<String> group = new ArrayList<>();
        CRC32 crc = new CRC32();
        ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        long lineNo = 0, groupStart = 1, pos = 0;
        int b;
        while (true) {
            line.reset();
            while ((b = in.read()) >= 0 && b != '\n') line.write(b);
            if (b < 0) break; // a line without its newline: torn; the group it is in does not count
            lineNo++;
            pos += line.size() + 1;
            byte[] bytes = line.toByteArray();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            if (text.startsWith("checkpoint ")) {
                long want;
                try {
                    want = Long.parseLong(text.substring("checkpoint ".length()).trim(), 16);
                } catch (NumberFormatException e) {
                    break;
                }
                if (want != crc.getValue()) break; // torn or damaged: the map ends at the group before
                apply(s, group, groupStart, shown);
                s.checkpoints++;
                s.validBytes = pos;
                group.clear();
                crc.reset();
                groupStart = lineNo + 1;
                continue;
            }
            crc.update(bytes);
            crc.update('\n');
            group.add(text);
        }
        if (s.checkpoints == 0) throw new MapException("the rescue map '" + shown + "' holds no checkpoint (torn when it was made)");
        return s;
    }

    private static void apply(MapState s, List<String> lines, long firstLine, String shown) throws MapException {
        long n = firstLine;
        for (String l : lines) {
            try {
                if (!l.isEmpty() && l.charAt(0) != '#') applyLine(s, MapText.fields(l));
            } catch (MapException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new MapException("the rescue map '" + shown + "' line " + n + " does not parse (" + e.getMessage() + "): " + l);
            }
            n++;
        }
        if (s.header == null) throw new MapException("'" + shown + "' is not a rescue map of linkrescue");
    }

    private static void applyLine(MapState s, List<String> f) throws MapException {
        String kind = f.get(0);
        if (s.header == null && !kind.equals(MAGIC)) {
            throw new MapException("not a rescue map of linkrescue");
        }
        switch (kind) {
            case MAGIC -> {
                int v = Integer.parseInt(f.get(1));
                if (v != MapHeader.VERSION)
                    throw new MapException("the rescue map is of format " + v + "; this linkrescue reads format " + MapHeader.VERSION);
                s.header = new MapHeader("?", 0, 0, List.of(), "", "");
            }
            case "command" -> s.header = new MapHeader(f.get(1), s.header.startedSec(), s.header.startedNsec(), s.header.options(), "",
                    s.header.resumeCommand());
            case "started" -> {
                long[] t = MapText.parseTime(f.get(1));
                s.header = new MapHeader(s.header.command(), t[0], (int) t[1], s.header.options(), "", s.header.resumeCommand());
            }
            case "option" -> {
                List<MapHeader.Option> o = new ArrayList<>(s.header.options());
                o.add(new MapHeader.Option(f.get(1), MapText.latin1Of(f.get(2))));
                s.header = new MapHeader(s.header.command(), s.header.startedSec(), s.header.startedNsec(), o, "", s.header.resumeCommand());
            }
            case "resume" -> s.header = new MapHeader(s.header.command(), s.header.startedSec(), s.header.startedNsec(),
                    s.header.options(), "", MapText.latin1Of(f.get(1)));
            case "dir" -> {
                long[] t = MapText.parseTime(f.get(4));
                Map<String, byte[]> extra = new LinkedHashMap<>();
                for (int i = 6; i + 1 < f.size(); i += 2) extra.put(MapText.latin1Of(f.get(i)), MapText.bytes(f.get(i + 1)));
                s.dirs.add(new Entry(MapText.bytes(f.get(5)), EntryType.DIRECTORY, Integer.parseInt(f.get(1), 8),
                        Integer.parseUnsignedInt(f.get(2)), Integer.parseUnsignedInt(f.get(3)), null, null, 0, t[0], (int) t[1],
                        null, 0, 0, extra));
            }
            case "implicit" -> s.implicitDirs.add(new MapState.ImplicitDir(MapText.bytes(f.get(2)), Integer.parseInt(f.get(1))));
            case "inode", "failed" -> {
                long dev = Long.parseLong(f.get(1)), ino = Long.parseLong(f.get(2));
                s.openInodes.put(new MapState.InodeKey(dev, ino), new MapState.OpenInode(dev, ino, Integer.parseInt(f.get(3)),
                        kind.equals("failed") ? null : MapText.bytes(f.get(4))));
            }
            case "closed" -> s.openInodes.remove(new MapState.InodeKey(Long.parseLong(f.get(1)), Long.parseLong(f.get(2))));
            case "made" -> {
                long dev = Long.parseLong(f.get(1));
                for (int i = 2; i < f.size(); i++) s.made.add(dev, Long.parseLong(f.get(i)));
            }
            case "copy" -> s.copies.add(new MapState.Copy(MapText.bytes(f.get(1)), MapText.bytes(f.get(2))));
            case "damaged" -> {
                long[] t = MapText.parseTime(f.get(4));
                DamagedBuilder d = new DamagedBuilder(Long.parseLong(f.get(1)), Long.parseLong(f.get(2)), Long.parseLong(f.get(3)),
                        t[0], (int) t[1], f.get(5).equals("leftout"), f.get(6).equals("lost"), f.get(7).equals("-") ? null : f.get(7));
                DamagedBuilder was = s.damagedBuilders.put(new MapState.InodeKey(d.dev, d.ino), d);
                if (was != null) d.paths.addAll(was.paths); // the same inode rescued again: its paths stay
            }
            case "error" -> damaged(s, f).errors.add(MapText.textOf(f.get(3)));
            case "candidate" -> {
                Alternate alt = new Alternate(Alternate.Kind.valueOf(f.get(4).toUpperCase(Locale.ROOT)), MapText.bytes(f.get(5)));
                damaged(s, f).candidates.add(new Verdict(new Candidate(alt, MapText.bytes(f.get(6))), f.get(3).equals("accepted"),
                        MapText.textOf(f.get(7))));
            }
            case "written" -> {
                long[] r = range(f.get(3));
                damaged(s, f).written.add(new Provenance.Range(r[0], r[1], MapText.latin1Of(f.get(4))));
            }
            case "dpath" -> {
                byte[] p = MapText.bytes(f.get(3));
                List<byte[]> paths = damaged(s, f).paths;
                for (byte[] q : paths) if (Arrays.equals(q, p)) return;
                paths.add(p);
            }
            case "unverifiable" -> {
                long dev = Long.parseLong(f.get(1)), ino = Long.parseLong(f.get(2));
                s.unverifiable.put(new MapState.InodeKey(dev, ino), new RescueReport.Unverifiable(dev, ino,
                        new ArrayList<>(), Long.parseLong(f.get(3)), MapText.textOf(f.get(4))));
            }
            case "upath" -> {
                var u = s.unverifiable.get(new MapState.InodeKey(Long.parseLong(f.get(1)), Long.parseLong(f.get(2))));
                if (u == null) throw new IllegalArgumentException("no unverifiable record for inode " + f.get(2) + " before this line");
                byte[] p = MapText.bytes(f.get(3));
                if (u.paths().stream().noneMatch(q -> Arrays.equals(q, p))) u.paths().add(p);
            }
            case "unreadable" -> s.unreadable.put(f.get(2), new Alternates.Unreadable(MapText.bytes(f.get(2)), f.get(1).equals("dir"),
                    MapText.textOf(f.get(3)), f.get(4).equals("-") ? null : MapText.latin1Of(f.get(4)), Long.parseLong(f.get(5)),
                    Long.parseLong(f.get(6)), Long.parseLong(f.get(7)), new ArrayList<>()));
            case "uvpath" -> {
                Alternates.Unreadable u = s.unreadable.get(f.get(1));
                if (u == null) throw new IllegalArgumentException("no unreadable record for '" + f.get(1) + "' before this line");
                u.unverified().add(MapText.bytes(f.get(2)));
            }
            case "blocks" -> {
                List<MapState.InodeBlocks.Block> bl = new ArrayList<>();
                for (int i = 4; i < f.size(); i++) {
                    String x = f.get(i);
                    int colon = x.lastIndexOf(':');
                    long[] r = range(x.substring(0, colon));
                    if (colon != x.length() - 2 || "?*/-+".indexOf(x.charAt(colon + 1)) < 0) throw new IllegalArgumentException("block '" + x + "'");
                    bl.add(new MapState.InodeBlocks.Block(r[0], r[1], x.charAt(colon + 1)));
                }
                long dev = Long.parseLong(f.get(1)), ino = Long.parseLong(f.get(2));
                s.blocks.put(new MapState.InodeKey(dev, ino), new MapState.InodeBlocks(dev, ino, Long.parseLong(f.get(3)), bl));
            }
            case "istate" -> {
                long dev = Long.parseLong(f.get(1)), ino = Long.parseLong(f.get(2));
                String owner = MapText.latin1Of(f.get(3));
                s.inodeStates.put(new MapState.InodeStateKey(dev, ino, owner), new MapState.InodeState(dev, ino, owner, MapText.bytes(f.get(4))));
            }
            case "problem" -> s.problems.add(new ProblemLog.Problem(Grade.valueOf(f.get(1)),
                    f.get(2).equals("-") ? null : MapText.bytes(f.get(2)), MapText.textOf(f.get(3))));
            case "mark" -> {
                List<Provenance.Range> ranges = new ArrayList<>();
                for (int i = 3; i < f.size(); i++) {
                    String x = f.get(i);
                    int colon = x.indexOf(':');
                    long[] r = range(x.substring(0, colon));
                    ranges.add(new Provenance.Range(r[0], r[1], MapText.latin1Of(x.substring(colon + 1))));
                }
                s.marks.add(new MapState.Mark(MapText.bytes(f.get(1)), new Provenance(ranges, f.get(2).equals("lost"))));
            }
            case "totals" -> s.totals = new MapState.Totals(MapText.longValue(f, "paths"), MapText.longValue(f, "files"),
                    MapText.longValue(f, "hardLinks"), MapText.longValue(f, "dirs"), MapText.longValue(f, "symlinks"),
                    MapText.longValue(f, "specials"), MapText.longValue(f, "bytes"), MapText.longValue(f, "inodesRead"),
                    MapText.longValue(f, "damagedInodes"), MapText.longValue(f, "elapsedMillis"));
            case "rescue" -> s.rescue = new MapState.RescueTotals(MapText.longValue(f, "inodesRead"), MapText.longValue(f, "bytesRead"),
                    MapText.longValue(f, "abandonedReads"));
            case "output" -> s.outputs.put(f.get(1), new MapState.OutputMark(MapText.longValue(f, "offset"), MapText.longValue(f, "tar")));
            case "status" -> {
                s.entries = MapText.longValue(f, "entries");
                String last = MapText.value(f, "last");
                s.last = last == null || last.equals("-") ? null : MapText.bytes(last);
                String phase = MapText.value(f, "phase");
                if (phase != null) s.phase = phase.charAt(0);
                String pass = MapText.value(f, "pass");
                if (pass != null) s.pass = Integer.parseInt(pass);
            }
            default -> throw new IllegalArgumentException("unknown record '" + kind + "'");
        }
    }

    private static DamagedBuilder damaged(MapState s, List<String> f) {
        DamagedBuilder d = s.damagedBuilders.get(new MapState.InodeKey(Long.parseLong(f.get(1)), Long.parseLong(f.get(2))));
        if (d == null) throw new IllegalArgumentException("no damaged record for inode " + f.get(2) + " before this line");
        return d;
    }

    /** "OFFSET+LENGTH" */
    private static long[] range(String s) {
        int plus = s.indexOf('+');
        return new long[] {Long.parseLong(s.substring(0, plus)), Long.parseLong(s.substring(plus + 1))};
    }

    /** A damaged inode's record as the map's lines build it up. */
    static final class DamagedBuilder {
        final long dev, ino, size, mtimeSec;
        final int mtimeNsec;
        final boolean leftOut, lost;
        final String sha256;
        final List<byte[]> paths = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        final List<Verdict> candidates = new ArrayList<>();
        final List<Provenance.Range> written = new ArrayList<>();

        DamagedBuilder(long dev, long ino, long size, long mtimeSec, int mtimeNsec, boolean leftOut, boolean lost, String sha256) {
            this.dev = dev;
            this.ino = ino;
            this.size = size;
            this.mtimeSec = mtimeSec;
            this.mtimeNsec = mtimeNsec;
            this.leftOut = leftOut;
            this.lost = lost;
            this.sha256 = sha256;
        }

        DamagedInodeRecord build(MapState.InodeBlocks blocks) {
            List<ByteRange> bad = new ArrayList<>();
            if (blocks != null) {
                for (MapState.InodeBlocks.Block b : blocks.blocks()) if (b.status() != '+') bad.add(new ByteRange(b.offset(), b.length()));
            }
            return new DamagedInodeRecord(dev, ino, paths, size, mtimeSec, mtimeNsec, bad, errors, candidates,
                    new Provenance(written, lost), sha256, leftOut);
        }
    }

    /** The map cannot be used: not one, another version, or damaged inside a whole group. */
    public static final class MapException extends IOException {
        public MapException(String message) { super(message); }
    }
}
