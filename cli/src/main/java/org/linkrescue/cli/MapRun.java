package org.linkrescue.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.map.Checkpoints;
import org.linkrescue.migrate.map.MapFile;
import org.linkrescue.migrate.map.MapHeader;
import org.linkrescue.migrate.map.MapState;
import org.linkrescue.migrate.map.RescueMap;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.sink.DiskSink;
import org.linkrescue.migrate.sink.PartialArchive;
import org.linkrescue.migrate.sink.TargetWriteException;
import org.linkrescue.migrate.stream.Stop;
import org.linkrescue.migrate.report.RunTotals;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.rescue.Alternate;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.stream.Checkpointable;
import org.linkrescue.migrate.stream.EntrySink;

/**
 * The rescue map of one run command (migrate, archive, extract), wired from the command's
 * options: made for a fresh run once TARGET is there, or read and checked for --resume; the
 * checkpoints in front of the sink; and, when the run stops, what the closing line and the
 * report say of it. The map's own logic lives in {@code migrate.map}.
 */
final class MapRun implements Session.Stopping, AutoCloseable {
    private final MapOptions options;
    private final byte[] path;
    private final byte[] markerIn;
    private final MapHeader header;
    private RescueMap map;
    private Checkpoints checkpoints;
    /** Whether the sink is a disk target alone, whose files the later passes of a --resume can still patch. */
    private boolean patchableLater;
    private LongSupplier sourceBytes;
    private long sourceBytesAtStart;

    private MapRun(MapOptions options, byte[] path, byte[] markerIn, MapHeader header) {
        this.options = options;
        this.path = path;
        this.markerIn = markerIn;
        this.header = header;
    }

    /**
     * The map of a run writing into target (migrate, extract). With --resume it is read and
     * checked now; without (--no-map too), a stopped run's map in target is refused with the
     * command that resumes it.
     */
    static MapRun forTarget(MapOptions o, String target, MapHeader header) throws IOException {
        o.check();
        byte[] t = Args.bytes(target);
        MapRun m = new MapRun(o, RescueMap.inTarget(t, o.map == null ? null : Args.bytes(o.map)), t, header);
        if (o.resume) {
            m.map = RescueMap.resume(m.path, header, t);
            return m;
        }
        RescueMap.Found f = RescueMap.inTarget(t);
        if (f != null) {
            throw new ExitCodes.UserError("target '" + Args.display(target) + "' holds a stopped " + f.state().header().command()
                    + " (" + f.state().entries() + " entries done, rescue map '" + Names.display(f.path()) + "'): resume with: "
                    + f.state().header().resumeCommand());
        }
        return m;
    }

    /** The map of a run writing archive file (not standard output: that cannot be resumed, so no map). */
    static MapRun forArchive(MapOptions o, String file, MapHeader header) throws IOException {
        o.check();
        if (Args.isStdio(file)) {
            if (o.resume) throw new ExitCodes.UsageException("--resume: an archive written to standard output cannot be resumed");
            MapRun m = new MapRun(o, null, null, header);
            return m;
        }
        MapRun m = new MapRun(o, RescueMap.besideArchive(Args.bytes(file), o.map == null ? null : Args.bytes(o.map)), null, header);
        if (o.resume) {
            m.map = RescueMap.resume(m.path, header, null);
        } else if (new File(Names.latin1(m.path)).exists()) { // --no-map too: the user learns what is there
            RescueMap.Found f = new RescueMap.Found(m.path, MapFile.read(m.path));
            throw new ExitCodes.UserError("'" + Args.display(file) + "' is being written by a stopped " + f.state().header().command()
                    + " (" + f.state().entries() + " entries done, rescue map '" + Names.display(f.path()) + "'): resume with: "
                    + f.state().header().resumeCommand());
        }
        return m;
    }

    /** Whether this run keeps a map (not --no-map, not an archive to standard output). */
    boolean keeps() { return !options.none && path != null; }

    boolean resuming() { return options.resume; }

    /** The map's file, or null when this run keeps none. */
    byte[] file() { return keeps() ? path : null; }

    /** Makes a fresh run's map: call once TARGET (or the partial archive) is there, before anything is written. */
    void create() throws IOException {
        if (keeps() && map == null) map = RescueMap.create(path, header, markerIn);
    }

    RescueMap map() { return map; }

    /** The state this run resumes, or null. */
    MapState resumed() { return map == null ? null : map.resumed(); }

    /** The checkpoints in front of sink, or sink itself when no map is kept. */
    EntrySink checkpointed(EntrySink sink, Checkpointable outputs, Checkpoints.Order order, Session s) {
        if (map == null) return sink;
        patchableLater = sink instanceof DiskSink;
        checkpoints = map.checkpoints(sink, outputs, order, options.interval(), s.problems);
        return checkpoints;
    }

    Checkpoints checkpoints() { return checkpoints; }

    /** Where this run's reads of SOURCE are counted, to tell what a stop wastes. */
    void countsSourceBytes(LongSupplier read) {
        sourceBytes = read;
        sourceBytesAtStart = read.getAsLong();
    }

    /** The options of a rescue that shape its output, in order (a resume must give the same ones). */
    static List<MapHeader.Option> rescueOptions(RescueOptions r) {
        List<MapHeader.Option> out = new ArrayList<>();
        for (Alternate a : r.alternates()) out.add(new MapHeader.Option("alternate", a.kind().word() + "=" + Names.latin1(a.dir())));
        out.add(new MapHeader.Option("snapshot-depth", Integer.toString(r.snapshotDepth())));
        out.add(new MapHeader.Option("block-size", Integer.toString(r.blockSize())));
        out.add(new MapHeader.Option("retries", Integer.toString(r.retries())));
        out.add(new MapHeader.Option("read-timeout", Long.toString(r.readTimeout().toMillis()) + "ms"));
        out.add(new MapHeader.Option("accept-mtime-mismatch", Boolean.toString(r.acceptMtimeMismatch())));
        return out;
    }

    /** A path as the map records it: absolute, so a resume from another directory is the same rescue. */
    static String absolute(String arg) {
        if (Args.isStdio(arg)) return arg;
        return Path.of(arg).toAbsolutePath().normalize().toString();
    }

    /**
     * Runs an evacuation (migrate, archive) of src into run: its checkpoints hear of the scan's
     * link table and the rescue's damage, the archive (if any) gets its name once complete, and
     * a stop ends with the stopped run's line and report. told: what to say after the rescue's
     * own lines, before the summary (a cross-check's findings).
     */
    int evacuate(Session s, Sources.Rescue r, Evacuation evacuation, byte[] src, PathFilter filter, EntrySink run,
                 PartialArchive archive, Runnable told) throws IOException {
        if (checkpoints != null) {
            checkpoints.withRescue(r.report);
            evacuation.onLinkEvents(checkpoints).onFills(checkpoints);
            map.resume(evacuation);
            countsSourceBytes(r::sourceBytesRead);
            if (archive != null) checkpoints.onComplete(archive::commit);
            r.keepPassesIn(checkpoints, map.resumed(), patchableLater);
        }
        s.estimate(src);
        try {
            evacuation.run(src, run, Evacuation.SinkKind.CONSUMES_BYTES);
        } catch (IOException e) {
            // Stopped with nothing in the map (it is gone): the next run starts over, as the stop says.
            if (archive != null && map != null && map.removed() && !archive.committed()) archive.discard();
            return stopped(s, e);
        }
        if (archive != null && !archive.committed()) archive.commit();
        boolean lost = r.finish();
        if (checkpoints != null && checkpoints.keptForLaterPasses()) {
            s.console().err().println("linkrescue: " + checkpoints.leftOpen() + " damaged files keep zeros where the passes left out"
                    + " (--passes) would read or splice; the rescue map '" + map.shown() + "' keeps them: run every pass on them with: "
                    + header.resumeCommand());
        }
        told.run();
        return s.finish(lost);
    }

    /**
     * A run that ended on e before its end. A stop (a signal; the target full or failing once
     * the map holds a checkpoint) ends with the stopped run's line and report: what is done, and
     * how to resume once the cause is gone. Anything else (a bad archive, SOURCE gone, a target
     * refused at the start) is thrown as it came, its one line as always; a map made stays, so
     * TARGET still says what it holds.
     */
    int stopped(Session s, IOException e) throws IOException {
        Session.Stopping stopping = stopping();
        boolean stop = e instanceof Stop.Stopped || (e instanceof TargetWriteException && stopping != null);
        if (!stop) throw e;
        return s.stopped(e, stopping);
    }

    // ---- what a stopped run says -----------------------------------------------------------------

    /** Whether the run can be resumed from its map now that it has stopped (null: it keeps none). */
    Session.Stopping stopping() { return map != null && !map.removed() && checkpoints != null ? this : null; }

    @Override public String shown() { return map.shown(); }

    @Override public String resumeCommand() { return header.resumeCommand(); }

    @Override public long entries() { return checkpoints.entriesInMap(); }

    @Override
    public void totalsTo(RunTotals totals) {
        MapState.Totals t = checkpoints.totalsInMap();
        totals.resume(t.paths(), t.files(), t.hardLinks(), t.dirs(), t.symlinks(), t.specials(), t.bytes(), t.inodesRead(),
                t.damagedInodes(), t.elapsedMillis());
    }

    @Override
    public long sourceBytesReadAfter() {
        if (sourceBytes == null) return -1;
        return Math.max(0, sourceBytes.getAsLong() - sourceBytesAtStart - checkpoints.sourceBytesInMapThisRun());
    }

    @Override
    public void close() {
        if (map != null) map.close();
    }
}
