package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.report.RunTotals;

/**
 * migrate off real files through the fault seam ({@link FaultyDrive}) into the real disk sink
 * with two data threads, whatever this machine's core count, and everything it reported. Closing it lets every held read go and waits for the workers
 * given up for lost to end (they close their own descriptors: not while a later test counts them).
 */
final class FaultyMigration implements AutoCloseable {
    /** Every file above 64 KiB is a large one: read as it is written, on a data thread where it may. */
    static final Evacuation.Tuning LARGE_ABOVE_64_KIB = new Evacuation.Tuning(16, 1 << 20, 64 * 1024, 2);

    final RescueFixture fx = new RescueFixture();
    final FaultyDrive drive = new FaultyDrive();
    final RescueReport report = new RescueReport();
    final RunTotals totals = new RunTotals();
    private final List<RescueContentSource> sources = new ArrayList<>();

    /** migrate src to target (a spool in spool) with options; the source stays open until {@link #closeSources}. */
    RescueContentSource run(Path src, Path target, Path spool, RescueOptions options) throws IOException {
        return run(src, target, spool, options, null, LARGE_ABOVE_64_KIB);
    }

    /** The same as a rescue in passes (plan; null: inline), with the pipeline tuned so. */
    RescueContentSource run(Path src, Path target, Path spool, RescueOptions options, java.util.Set<Pass> plan,
                            Evacuation.Tuning tuning) throws IOException {
        RescueContentSource source = new RescueContentSource(options.withSpoolDir(spool), fx.policy, report, drive);
        if (plan != null) source.inPasses(plan);
        sources.add(source);
        org.linkrescue.migrate.sink.DiskSink sink = org.linkrescue.migrate.sink.DiskSink.open(
                org.linkrescue.archive.Names.bytes(target.toString()),
                new org.linkrescue.migrate.sink.DiskSink.Options(false, org.linkrescue.migrate.fs.Posix.isRoot(), 32, 2), fx.policy);
        new Evacuation(source, fx.policy, totals, tuning).onLaterPath(report::addPath)
                .run(org.linkrescue.archive.Names.bytes(src.toString()), sink, Evacuation.SinkKind.CONSUMES_BYTES);
        return source;
    }

    void closeSources() {
        sources.forEach(RescueContentSource::close);
        sources.clear();
    }

    @Override
    public void close() throws InterruptedException {
        drive.release.countDown();
        closeSources();
        for (Thread t : Thread.getAllStackTraces().keySet())
            if (t.getName().startsWith("linkrescue-read-")) t.join(5000);
    }
}
