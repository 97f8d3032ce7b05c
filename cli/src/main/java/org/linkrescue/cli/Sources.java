package org.linkrescue.cli;

import java.io.IOException;
import org.linkrescue.archive.Compression;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.pipeline.Evacuation;
import org.linkrescue.migrate.rescue.RescueContentSource;
import org.linkrescue.migrate.rescue.RescueOptions;
import org.linkrescue.migrate.rescue.RescueReport;

/**
 * Chooses what the run commands read with, and checks what they read from, so the commands
 * stay a few lines each. Every run reads through the rescue source: on a healthy drive it costs
 * one streamed read per inode; on a failing one it is the point of the program.
 */
final class Sources {
    private Sources() {}

    /** A source root that cannot be opened as a directory is fatal before anything is created. */
    static void checkSource(byte[] root, String shown) throws IOException {
        try {
            Posix.close(Posix.openat(Posix.AT_FDCWD, root, Posix.O_RDONLY | Posix.O_DIRECTORY, 0));
        } catch (PosixException e) {
            throw new IOException("cannot read source '" + Args.display(shown) + "': " + e.reason(), e);
        }
    }

    static Compression compression(String name) {
        try {
            return Compression.fromName(name);
        } catch (IllegalArgumentException e) {
            throw new ExitCodes.UsageException(e.getMessage());
        }
    }

    /** The rescue source of one run and its report, wired into the session's report and summary. */
    static final class Rescue implements AutoCloseable {
        final RescueReport report = new RescueReport();
        private final RescueContentSource source;
        private final Session session;

        Rescue(RescueOptions options, Session session, BlockReader drive) {
            this.session = session;
            this.source = new RescueContentSource(options, session.problems, report, drive);
            session.report.rawSection("rescue", report::write);
        }

        Evacuation evacuation(Evacuation.ReadOrder order) {
            return new Evacuation(source, session.problems, session.totals, Evacuation.Tuning.DEFAULT.withOrder(order))
                    .onLaterPath(report::addPath);
        }

        /** Prints the rescue's summary (when anything was damaged) and says whether bytes were lost. */
        boolean finish() {
            session.stopProgress();
            if (!report.records().isEmpty()) for (String line : report.summary()) session.console().err().println("linkrescue: " + line);
            return report.exitCode() != 0;
        }

        @Override public void close() { source.close(); }
    }
}
