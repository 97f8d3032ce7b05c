package org.linkrescue.migrate.ddrescue;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.linkrescue.migrate.fs.FileExtent;
import org.linkrescue.migrate.drive.ByteRange;

/** Each kind of extent FIEMAP reports, against a mapfile whose device bytes 1 MiB + [4096, 8192) are a bad sector area. */
class ExtentMapperTest {
    static final long MiB = 1 << 20;
    /** The file system starts 64 KiB into the image: device byte d is mapfile position d + 65536. */
    static final long OFFSET = 65536;

    final Mapfile map = parse("0 +\n0 " + (OFFSET + MiB + 4096) + " +\n" + (OFFSET + MiB + 4096) + " 4096 -\n"
            + (OFFSET + MiB + 8192) + " 512 /\n" + (OFFSET + MiB + 8704) + " " + (64 * MiB) + " +\n");
    final ExtentMapper mapper = new ExtentMapper(new UnrescuedAreas(map, OFFSET, 32 * MiB));

    static Mapfile parse(String s) {
        try {
            return MapfileParser.parse(s.getBytes(StandardCharsets.US_ASCII), "t.map");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void t01_aPlainExtentLosesExactlyTheBytesInTheArea() {
        // file bytes [8192, 8192 + 64 KiB) lie at device 1 MiB: the bad area is file bytes 12288..16383, the
        // non-scraped 512 bytes after it 16384..16895
        FileDamage d = mapper.map(List.of(new FileExtent(8192, MiB, 65536, FileExtent.LAST)), 100_000);
        assertEquals(List.of(new ByteRange(12288, 4096 + 512)), d.lostRanges());
        assertEquals(List.of(BlockStatus.BAD_SECTOR, BlockStatus.NON_SCRAPED), d.lost().stream().map(MappedRange::status).toList());
        assertEquals("not rescued by ddrescue: '-' bad sector at device byte " + (MiB + 4096), d.lost().get(0).reason());
        assertTrue(d.unplaced().isEmpty());
    }

    @Test
    void t02_holesAndUnwrittenExtentsAreNeverDamage() {
        FileDamage d = mapper.map(List.of(new FileExtent(0, MiB, 65536, FileExtent.UNWRITTEN | FileExtent.LAST)), 65536);
        assertTrue(d.isEmpty(), "preallocated space reads as zeros whatever the device holds");
        d = mapper.map(List.of(new FileExtent(0, 0, 4096, 0), new FileExtent(MiB, 2 * MiB, 4096, FileExtent.LAST)), 4 * MiB);
        assertTrue(d.isEmpty(), "the hole over the bad area holds nothing on the device");
    }

    @Test
    void t03_unknownAndDelallocExtentsAreUnplacedNeverGood() {
        FileDamage d = mapper.map(List.of(new FileExtent(0, 0, 8192, FileExtent.UNKNOWN | FileExtent.DELALLOC | FileExtent.LAST)), 5000);
        assertTrue(d.lost().isEmpty());
        assertEquals(List.of(new ByteRange(0, 5000)), d.unplacedRanges());
        assertEquals("not placed on the image: FIEMAP: location unknown (last,unknown,delalloc)", d.unplaced().get(0).reason());
    }

    @Test
    void t04_inlineDataIsPlacedByItsByteAddressOrUnplacedWithout() {
        // ext4 inline_data: byte address of the data inside the inode table block, not aligned
        long at = MiB + 4096 + 100;
        FileDamage d = mapper.map(List.of(new FileExtent(0, at, 60,
                FileExtent.DATA_INLINE | FileExtent.NOT_ALIGNED | FileExtent.LAST)), 60);
        assertEquals(List.of(new ByteRange(0, 60)), d.lostRanges());
        d = mapper.map(List.of(new FileExtent(0, MiB - 200, 60, FileExtent.DATA_INLINE | FileExtent.NOT_ALIGNED | FileExtent.LAST)), 60);
        assertTrue(d.isEmpty());
        d = mapper.map(List.of(new FileExtent(0, 0, 60, FileExtent.DATA_INLINE | FileExtent.LAST)), 60);
        assertEquals(List.of(new ByteRange(0, 60)), d.unplacedRanges(), "btrfs gives inline data no address");
    }

    @Test
    void t05_oneLostByteOfAnEncodedExtentLosesAllItDecodesTo() {
        FileDamage d = mapper.map(List.of(new FileExtent(0, MiB + 8000, 128 * 1024, FileExtent.ENCODED | FileExtent.LAST)), 200_000);
        assertEquals(List.of(new ByteRange(0, 128 * 1024)), d.lostRanges());
    }

    @Test
    void t06_theLastBlockIsCutAtTheEndOfTheFile() {
        FileDamage d = mapper.map(List.of(new FileExtent(0, MiB, 8192, FileExtent.LAST)), 5000);
        assertEquals(List.of(new ByteRange(4096, 904)), d.lostRanges());
    }

    @Test
    void t07_areasOutsideTheFileSystemAndPastTheMapAreSeenWhereTheyFall() {
        UnrescuedAreas a = new UnrescuedAreas(map, OFFSET, 32 * MiB);
        // the mapfile lists 64 MiB past the bad area, more than the 32 MiB device: nothing past the device is kept
        assertEquals(List.of(new UnrescuedAreas.Area(MiB + 4096, MiB + 8192, BlockStatus.BAD_SECTOR),
                new UnrescuedAreas.Area(MiB + 8192, MiB + 8704, BlockStatus.NON_SCRAPED)), a.all());
        // a mapfile shorter than the device: what it does not cover counts as non-tried
        UnrescuedAreas shortMap = new UnrescuedAreas(parse("0 +\n0 " + (OFFSET + MiB) + " +\n"), OFFSET, 32 * MiB);
        assertEquals(List.of(new UnrescuedAreas.Area(MiB, 32 * MiB, BlockStatus.NON_TRIED)), shortMap.all());
    }
}
