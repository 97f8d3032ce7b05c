package org.linkrescue.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.linkrescue.migrate.ddrescue.DamageMap;
import org.linkrescue.migrate.ddrescue.MappedDrive;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.map.MapHeader;
import org.linkrescue.migrate.report.RunReport;
import picocli.CommandLine.Option;

/**
 * --ddrescue-map and --image-offset, for every command that reads SOURCE (migrate, archive,
 * scan, verify): SOURCE is a file system mounted from a GNU ddrescue image, and the mapfile says
 * which of its sectors ddrescue never read. The map is read and placed before anything else
 * happens; a flaw in it is a one-line fatal error.
 */
final class DdrescueMapOption {
    @Option(names = "--ddrescue-map", paramLabel = "MAPFILE",
            description = "SOURCE is mounted from a GNU ddrescue image; MAPFILE is its mapfile. Every area not finished (- * / ?) reads as a read error in the files that hold it, and is rescued as such.")
    Path mapfile;

    @Option(names = "--image-offset", paramLabel = "BYTES",
            description = "Where SOURCE's file system starts in the mapfile's positions (default: found from the loop device in sysfs).")
    Long imageOffset;

    boolean given() { return mapfile != null; }

    /** The options a rescue map records (they shape what is written): a resume must give the same. */
    void shape(List<MapHeader.Option> options) {
        if (mapfile == null) return;
        options.add(new MapHeader.Option("ddrescue-map", mapfile.toAbsolutePath().normalize().toString()));
        if (imageOffset != null) options.add(new MapHeader.Option("image-offset", imageOffset.toString()));
    }

    /** Names the mapfile in the run's report ("ddrescueMap"), when one is given. */
    void place(RunReport report) {
        if (mapfile != null) report.place("ddrescueMap", Args.display(mapfile.toString()));
    }

    /** The map, placed under SOURCE's file system; null without --ddrescue-map. Its notes go to err. */
    DamageMap map(byte[] source, PrintStream err) throws IOException {
        if (mapfile == null) {
            if (imageOffset != null) throw new ExitCodes.UsageException("--image-offset needs --ddrescue-map");
            return null;
        }
        DamageMap m = DamageMap.open(mapfile, source, imageOffset);
        for (String n : m.notes()) err.println("linkrescue: " + n);
        return m;
    }

    /**
     * How SOURCE is read: the image as the drive would read it when a mapfile is given.
     *
     * @param failUnplaced bytes the file system cannot place fail like lost ones (verify and scan
     *                     call them unverifiable) rather than being copied and named
     */
    BlockReader drive(byte[] source, boolean failUnplaced, PrintStream err) throws IOException {
        DamageMap m = map(source, err);
        return m == null ? BlockReader.REAL : new MappedDrive(BlockReader.REAL, m, failUnplaced);
    }
}
