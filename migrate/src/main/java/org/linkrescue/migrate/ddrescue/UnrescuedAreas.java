package org.linkrescue.migrate.ddrescue;

import java.util.ArrayList;
import java.util.List;

/**
 * The mapfile's unrescued areas as seen from a file system's device: device byte d is the
 * mapfile's position d + offset (the file system starts offset bytes into what ddrescue read).
 * Only [0, deviceSize) is kept. Lookups are binary searches: a badly damaged disk has hundreds of
 * thousands of areas, and every extent of every file asks.
 */
public final class UnrescuedAreas {
    private final long[] starts, ends;
    private final BlockStatus[] statuses;
    private final long deviceSize;

    /** One unrescued stretch of the device, [start, end), with its mapfile status. */
    public record Area(long start, long end, BlockStatus status) {
        public long length() { return end - start; }
    }

    public UnrescuedAreas(Mapfile map, long offset, long deviceSize) {
        if (offset < 0 || deviceSize <= 0) throw new IllegalArgumentException("offset " + offset + ", device size " + deviceSize);
        this.deviceSize = deviceSize;
        List<Area> kept = new ArrayList<>();
        for (MapBlock b : map.unrescued()) {
            long s = Math.max(b.pos(), offset), e = Math.min(b.end(), offset + deviceSize < 0 ? Long.MAX_VALUE : offset + deviceSize);
            if (s < e) kept.add(new Area(s - offset, e - offset, b.status()));
        }
        starts = new long[kept.size()];
        ends = new long[kept.size()];
        statuses = new BlockStatus[kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            starts[i] = kept.get(i).start();
            ends[i] = kept.get(i).end();
            statuses[i] = kept.get(i).status();
        }
    }

    public long deviceSize() { return deviceSize; }

    public int count() { return starts.length; }

    public long bytes() {
        long n = 0;
        for (int i = 0; i < starts.length; i++) n += ends[i] - starts[i];
        return n;
    }

    /** Every area, in order. */
    public List<Area> all() { return within(0, Long.MAX_VALUE); }

    /** The parts of areas inside [start, end) of the device, in order. */
    public List<Area> within(long start, long end) {
        List<Area> out = new ArrayList<>(1);
        int lo = 0, hi = starts.length; // first area ending after start
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] <= start) lo = mid + 1; else hi = mid;
        }
        for (int i = lo; i < starts.length && starts[i] < end; i++)
            out.add(new Area(Math.max(start, starts[i]), Math.min(end, ends[i]), statuses[i]));
        return out;
    }
}
