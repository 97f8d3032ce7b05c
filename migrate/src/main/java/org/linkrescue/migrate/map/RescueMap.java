package org.linkrescue.migrate.map;

import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.rescue.RescueReport;
import org.linkrescue.migrate.sink.DiskSink;
import org.linkrescue.migrate.stream.Checkpointable;
import org.linkrescue.migrate.stream.EntrySink;

/**
 * A run's rescue map, from its creation (a fresh run) or its reading (a resumed one) to its
 * removal when the run completes: where it lives, the checks a resume must pass, and what a
 * resumed run takes over from it (the stages' state as the stopped run left it).
 *
 * <p>Where: in TARGET as {@value MapFile#IN_TARGET} (migrate, extract), so a stopped run's
 * target carries its own map and is recognised as such; beside an archive FILE as FILE{@value
 * MapFile#BESIDE_ARCHIVE}; or wherever --map names, and then TARGET holds a one-line marker
 * pointing there.
 */
public final class RescueMap implements AutoCloseable {
    private final MapFile file;
    private final MapState resumed;
    private final byte[] marker;
    private boolean removed;

    private RescueMap(MapFile file, MapState resumed, byte[] marker) {
        this.file = file;
        this.resumed = resumed;
        this.marker = marker;
    }

    /** The map of a run writing into target: chosen, else TARGET/.linkrescue-map. */
    public static byte[] inTarget(byte[] target, byte[] chosen) {
        return chosen != null ? chosen : Names.join(target, Names.bytes(MapFile.IN_TARGET));
    }

    /** The map of a run writing archive file: chosen, else FILE.linkrescue-map. */
    public static byte[] besideArchive(byte[] file, byte[] chosen) {
        if (chosen != null) return chosen;
        byte[] out = Arrays.copyOf(file, file.length + MapFile.BESIDE_ARCHIVE.length());
        System.arraycopy(Names.bytes(MapFile.BESIDE_ARCHIVE), 0, out, file.length, MapFile.BESIDE_ARCHIVE.length());
        return out;
    }

    /** A stopped run's map and what it says. */
    public record Found(byte[] path, MapState state) {}

    /**
     * The map a stopped run left in target (or the map its marker points to), or null when
     * target holds none.
     *
     * @throws IOException a map is there but cannot be read (one line)
     */
    public static Found inTarget(byte[] target) throws IOException {
        byte[] p = Names.join(target, Names.bytes(MapFile.IN_TARGET));
        byte[] head;
        try (InputStream in = new FileInputStream(Names.latin1(p))) {
            head = in.readNBytes(MapFile.ELSEWHERE.length() + 4096);
        } catch (FileNotFoundException e) {
            return null;
        }
        String h = new String(head, StandardCharsets.ISO_8859_1);
        if (h.startsWith(MapFile.ELSEWHERE + " ")) {
            int nl = h.indexOf('\n');
            p = MapText.bytes(h.substring(MapFile.ELSEWHERE.length() + 1, nl < 0 ? h.length() : nl).trim());
        }
        return new Found(p, MapFile.read(p));
    }

    /**
     * A fresh run: makes the map (refusing to replace one). When it is not in TARGET, a marker
     * there points to it (markerIn: TARGET; null for an archive).
     */
    public static RescueMap create(byte[] path, MapHeader header, byte[] markerIn) throws IOException {
        MapFile f = MapFile.create(path, header);
        byte[] marker = null;
        if (markerIn != null) {
            byte[] at = Names.join(markerIn, Names.bytes(MapFile.IN_TARGET));
            if (!Arrays.equals(at, path)) {
                marker = at;
                writeMarker(at, absolute(path));
            }
        }
        return new RescueMap(f, null, marker);
    }

    /**
     * A resumed run: reads the map, checks that this run is the same rescue (command and every
     * option that shapes the output), and opens it to go on.
     *
     * @throws IOException one line: no map there, not a map, another rescue's
     */
    public static RescueMap resume(byte[] path, MapHeader now, byte[] markerIn) throws IOException {
        MapState s;
        try {
            s = MapFile.read(path);
        } catch (FileNotFoundException e) {
            throw new IOException("--resume: no rescue map at '" + Names.display(path) + "': nothing to resume (run without --resume to start)");
        }
        String why = s.header().mismatch(now);
        if (why != null) throw new IOException("--resume: not the stopped rescue: " + why);
        byte[] marker = markerIn == null ? null : Names.join(markerIn, Names.bytes(MapFile.IN_TARGET));
        if (marker != null && Arrays.equals(marker, path)) marker = null;
        return new RescueMap(MapFile.reopen(path, s), s, marker);
    }

    /** The state a resumed run takes over, or null for a fresh run. */
    public MapState resumed() { return resumed; }

    public byte[] path() { return file.path(); }

    public String shown() { return file.shown(); }

    /** The names a resumed migrate leaves alone at TARGET's root (the map and its marker). */
    public static Set<String> ownNames() { return Set.of(MapFile.IN_TARGET, ".linkrescue-map.compacting"); }

    // ---- what a resumed run takes over -------------------------------------------------------

    /** The disk sink goes on where the stopped run left TARGET. */
    public void resume(DiskSink sink) {
        if (resumed == null) return;
        boolean allowExisting = resumed.header().options().contains(new MapHeader.Option("allow-existing", "true"));
        sink.resuming(resumed.header().startedSec(), !allowExisting);
        for (MapState.ImplicitDir d : resumed.implicitDirs()) sink.resumeImplicitDir(d.path());
        for (Entry d : resumed.dirs()) sink.resumeDirectory(d);
        MadeInodes m = resumed.made();
        for (int i = 0; i < m.size(); i++) sink.resumeMade(m.dev(i), m.ino(i));
        for (MapState.Copy c : resumed.copies()) sink.resumeCopy(c.named(), c.copy());
    }

    /** Totals, problems and the rescue report go on from the stopped run's. */
    public void resume(RunTotals totals, ProblemLog problems, RescueReport rescue) {
        if (resumed == null) return;
        MapState.Totals t = resumed.totals();
        totals.resume(t.paths(), t.files(), t.hardLinks(), t.dirs(), t.symlinks(), t.specials(), t.bytes(), t.inodesRead(),
                t.damagedInodes(), t.elapsedMillis());
        problems.resume(resumed.problems());
        if (rescue != null) {
            MapState.RescueTotals r = resumed.rescue();
            rescue.resume(resumed.damaged(), resumed.unverifiable(), resumed.unreadable(), r.inodesRead(), r.bytesRead(), r.abandonedReads());
        }
    }

    /** The scan starts after the last finished entry, with the link table as it stood then. */
    public Evacuation resume(Evacuation e) {
        if (resumed == null) return e;
        List<Evacuation.SeedInode> seeds = new ArrayList<>();
        for (MapState.OpenInode o : resumed.openInodes()) seeds.add(new Evacuation.SeedInode(o.dev(), o.ino(), o.remaining(), o.firstPath()));
        return e.resumeAfter(resumed.last() == null ? null : resumed.last(), resumed.entries(), seeds);
    }

    /**
     * The run's checkpoints, in front of sink (outputs: what makes sink's work durable).
     *
     * @param interval seconds between checkpoints
     */
    public Checkpoints checkpoints(EntrySink sink, Checkpointable outputs, Checkpoints.Order order, double interval,
                                   ProblemLog problems) {
        return new Checkpoints(sink, outputs, this, resumed, order, interval, problems);
    }

    // ---- the file ------------------------------------------------------------------------------

    /**
     * Appends a checkpoint's group; when the map has grown to several times what it holds that
     * still matters (inodes whose links all came, records read again), it is compacted: read
     * back and written afresh as one group.
     */
    void append(CharSequence group) throws IOException {
        file.append(group);
        if (file.wantsCompaction()) {
            StringBuilder all = new StringBuilder();
            MapRecords.state(all, MapFile.read(file.path()));
            file.compact(all);
        }
    }

    /** The run is complete: the map (and its marker) go. */
    public void remove() throws IOException {
        if (removed) return;
        removed = true;
        file.remove();
        if (marker != null) {
            try {
                Posix.unlinkAt(Posix.AT_FDCWD, marker, 0);
            } catch (PosixException e) {
                if (e.errno() != Errno.ENOENT) throw new IOException("cannot remove '" + Names.display(marker) + "': " + e.reason(), e);
            }
        }
    }

    public boolean removed() { return removed; }

    @Override
    public void close() { file.close(); }

    private static void writeMarker(byte[] at, byte[] mapPath) throws IOException {
        byte[] line = (MapFile.ELSEWHERE + " " + MapText.field(mapPath) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        try {
            int fd = Posix.openat(Posix.AT_FDCWD, at, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW, 0644);
            try {
                Posix.writeFully(fd, line, 0, line.length);
                Posix.fsync(fd);
            } finally {
                Posix.close(fd);
            }
            MapFile.syncDir(at);
        } catch (PosixException e) {
            throw new IOException("cannot write '" + Names.display(at) + "': " + e.reason(), e);
        }
    }

    private static byte[] absolute(byte[] p) {
        if (p.length > 0 && p[0] == '/') return p;
        return Names.bytes(Path.of(Names.latin1(p)).toAbsolutePath().normalize().toString());
    }
}
