package org.linkrescue.migrate.ddrescue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.linkrescue.migrate.fs.Fiemap;
import org.linkrescue.migrate.fs.FileExtent;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * A ddrescue mapfile laid over the file system SOURCE is on: for any open file, the bytes the
 * image does not really hold ({@link #of}). Built once per run; every check that could place
 * the map wrongly is made here, before anything is read, and what could not be checked is said
 * in {@link #notes}.
 */
public final class DamageMap {
    /** statfs f_type of the file systems whose FIEMAP gives device positions. */
    private static final long EXT4 = 0xEF53L, XFS = 0x58465342L, BTRFS = 0x9123683EL;

    private final Mapfile mapfile;
    private final ImagePlacement placement;
    private final UnrescuedAreas areas;
    private final ExtentMapper mapper;
    private final List<String> notes;

    private DamageMap(Mapfile mapfile, ImagePlacement placement, List<String> notes) {
        this.mapfile = mapfile;
        this.placement = placement;
        this.areas = new UnrescuedAreas(mapfile, placement.offset(), placement.deviceSize());
        this.mapper = new ExtentMapper(areas);
        this.notes = notes;
        notes.add("ddrescue map: " + mapfile.unrescuedBytes() + " bytes not rescued in the mapfile; " + areas.bytes()
                + " bytes in " + areas.count() + " areas on SOURCE's file system (" + placement.how() + ", at byte "
                + placement.offset() + " of the image)");
    }

    /**
     * Reads mapfile and places it under the file system of sourceRoot.
     *
     * @param imageOffset where that file system starts in the mapfile's coordinates; null: found in sysfs
     * @throws IOException a one-line reason: the mapfile is flawed, the file system has no device
     *                     positions, or the placement is ambiguous or contradicts the mapfile
     */
    public static DamageMap open(Path mapfile, byte[] sourceRoot, Long imageOffset) throws IOException {
        Mapfile map = Mapfile.read(mapfile);
        List<String> notes = new ArrayList<>();
        int fd = Posix.openDir(Posix.AT_FDCWD, sourceRoot);
        try {
            checkFileSystem(Posix.fsSpace(fd).type());
            Stat st = Posix.fstat(fd);
            ImagePlacement found = null;
            IOException notFound = null;
            try {
                found = ImagePlacement.of(st.devMajor(), st.devMinor());
            } catch (IOException e) {
                notFound = e;
            }
            ImagePlacement p;
            if (imageOffset != null) {
                if (imageOffset < 0) throw new IOException("--image-offset must be >= 0, not " + imageOffset);
                p = found == null
                        ? new ImagePlacement("device " + st.devMajor() + ":" + st.devMinor(), imageOffset, Long.MAX_VALUE - imageOffset, "the image", -1, "--image-offset")
                        : new ImagePlacement(found.device(), imageOffset, found.deviceSize(), found.image(), found.imageSize(),
                                found.device() + ", placed by --image-offset");
            } else {
                if (found == null) throw notFound;
                p = found;
                check(map, p);
            }
            note(map, p, notes);
            return new DamageMap(map, p, notes);
        } finally {
            Posix.close(fd);
        }
    }

    /** A map placed by the caller, with no check against the system: for tests. */
    static DamageMap over(Mapfile map, ImagePlacement placement) {
        return new DamageMap(map, placement, new ArrayList<>());
    }

    private static void checkFileSystem(long type) throws IOException {
        if (type == EXT4 || type == XFS) return;
        if (type == BTRFS)
            throw new IOException("--ddrescue-map: SOURCE is on btrfs, whose FIEMAP gives its own logical addresses, not device"
                    + " positions; btrfs's checksums already turn the image's unrescued sectors into read errors, which"
                    + " linkrescue rescues without a map");
        throw new IOException("--ddrescue-map needs SOURCE on ext2/3/4 or XFS (file system type 0x" + Long.toHexString(type)
                + "): only their FIEMAP is known to give positions on the device");
    }

    /** Contradictions between where sysfs puts the file system and what the mapfile covers. */
    private static void check(Mapfile map, ImagePlacement p) throws IOException {
        DdrescueCommandLine cmd = DdrescueCommandLine.parse(map.commandLine());
        if (cmd.displaced())
            throw new IOException("the mapfile's command line (" + map.commandLine() + ") writes the image displaced"
                    + " (-o, --output-position): its positions are not the image's; give --image-offset BYTES"
                    + " (where the file system starts, in the mapfile's positions)");
        if (p.offset() > 0 && map.end() == p.deviceSize())
            throw new IOException("cannot tell where the file system lies in the mapfile: the mapfile covers " + map.end()
                    + " bytes, exactly the size of " + p.device() + ", which starts at byte " + p.offset() + " of " + p.image()
                    + ": give --image-offset 0 if ddrescue read the partition itself, --image-offset " + p.offset()
                    + " if it read the whole disk");
    }

    /** What the user should know before trusting the result (one line each). */
    private static void note(Mapfile map, ImagePlacement p, List<String> notes) {
        DdrescueCommandLine cmd = DdrescueCommandLine.parse(map.commandLine());
        if (map.phase() == Mapfile.Phase.GENERATING || (map.commandLine() != null && map.commandLine().matches(".*\\s(-G|--generate-mode)(\\s.*)?")))
            notes.add("ddrescue map: WARNING: the mapfile was generated from the image (ddrescue -G): it is approximate,"
                    + " and sectors of zeros that were read count as not rescued");
        if (cmd.outfile() != null && !p.image().equals("the image")
                && !Path.of(cmd.outfile()).getFileName().toString().equals(Path.of(p.image()).getFileName().toString()))
            notes.add("ddrescue map: WARNING: the mapfile was written for '" + cmd.outfile() + "', SOURCE is on '" + p.image()
                    + "': make sure it is that image");
        long fsEnd = p.offset() + p.deviceSize();
        if (fsEnd > 0 && map.end() < fsEnd)
            notes.add("ddrescue map: the mapfile covers " + map.end() + " bytes; the file system reaches to byte " + fsEnd
                    + ": ddrescue never tried the rest, which counts as not rescued");
    }

    public Mapfile mapfile() { return mapfile; }
    public ImagePlacement placement() { return placement; }
    public UnrescuedAreas areas() { return areas; }
    public List<String> notes() { return List.copyOf(notes); }

    /**
     * The damage of fd's file (open, regular, size bytes long). A file the file system cannot
     * map (FIEMAP fails) is unplaced as a whole: unverifiable, never good.
     */
    public FileDamage of(int fd, long size) {
        if (size == 0) return FileDamage.NONE;
        try {
            return of(Fiemap.of(fd), size);
        } catch (PosixException e) {
            return unmappable(size, e);
        }
    }

    /** The damage of a file of size bytes with these extents. */
    public FileDamage of(List<FileExtent> extents, long size) {
        return mapper.map(extents, size);
    }

    /** A file whose extents FIEMAP would not give: unplaced as a whole. */
    static FileDamage unmappable(long size, PosixException why) {
        return new FileDamage(List.of(new MappedRange(0, size, null, -1, "FIEMAP: " + why.reason())));
    }
}
