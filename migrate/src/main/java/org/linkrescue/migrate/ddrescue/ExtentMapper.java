package org.linkrescue.migrate.ddrescue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.linkrescue.migrate.fs.FileExtent;

/**
 * Turns a file's extents (FIEMAP) into its {@link FileDamage}, one rule per kind of extent:
 * <ul>
 *   <li>a plain extent: the bytes whose device place lies in an unrescued area are lost, byte
 *       for byte (an inline extent with a device address, as ext4 gives it, likewise);</li>
 *   <li>unwritten (preallocated): reads as zeros whatever the device holds: never damage;</li>
 *   <li>unknown or delalloc (not yet written to the device), or inline without an address: the
 *       bytes cannot be placed: unverifiable, never counted good;</li>
 *   <li>encoded (compressed or otherwise transformed on the device): one unrescued byte of its
 *       device bytes may spoil any byte it decodes to, so the whole extent is lost;</li>
 *   <li>a hole (no extent): no bytes on the device: never damage.</li>
 * </ul>
 * Extents are block-sized; the last may reach past the end of the file, which is cut off.
 */
public final class ExtentMapper {
    private final UnrescuedAreas areas;

    public ExtentMapper(UnrescuedAreas areas) { this.areas = areas; }

    public FileDamage map(List<FileExtent> extents, long size) {
        List<MappedRange> out = new ArrayList<>();
        for (FileExtent e : extents) {
            long from = e.logical(), to = Math.min(e.end(), size);
            if (from >= to || e.has(FileExtent.UNWRITTEN)) continue;
            if (e.has(FileExtent.UNKNOWN) || e.has(FileExtent.DELALLOC)) {
                out.add(new MappedRange(from, to, null, -1, "FIEMAP: location unknown (" + e.flagNames() + ")"));
                continue;
            }
            if (e.has(FileExtent.DATA_INLINE) && e.physical() == 0) {
                out.add(new MappedRange(from, to, null, -1, "FIEMAP: inline data without a device address"));
                continue;
            }
            List<UnrescuedAreas.Area> hits = areas.within(e.physical(), e.physical() + e.length());
            if (hits.isEmpty()) continue;
            if (e.has(FileExtent.ENCODED)) {
                out.add(new MappedRange(from, to, hits.get(0).status(), hits.get(0).start(), null));
                continue;
            }
            for (UnrescuedAreas.Area h : hits) {
                long s = from + (h.start() - e.physical()), t = Math.min(to, from + (h.end() - e.physical()));
                if (s < t) out.add(new MappedRange(s, t, h.status(), h.start(), null));
            }
        }
        out.sort(Comparator.comparingLong(MappedRange::offset));
        return new FileDamage(out);
    }
}
