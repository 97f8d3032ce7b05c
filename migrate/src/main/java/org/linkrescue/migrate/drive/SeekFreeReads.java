package org.linkrescue.migrate.drive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.MountInfo;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;

/**
 * Whether a file may be read while another one is read, at no cost to the drive: its bytes are
 * all in the page cache already (the drive is not touched), or the drive does not seek (sysfs
 * says it is not rotational). A spinning disk read at two places at once seeks between them, and
 * a dying one is the last drive to make seek more than it must: anything unknown counts as
 * spinning. The answer per device is looked up once.
 *
 * <p>A file system whose device number is not a block device's (btrfs gives each subvolume an
 * anonymous one) is found in /proc/self/mountinfo by the file's mount id, and the device it was
 * mounted from is asked instead; for btrfs, every device of that file system (/sys/fs/btrfs/FSID/devices) must
 * be non-rotational.
 */
public final class SeekFreeReads {
    private final ConcurrentHashMap<Long, Boolean> solidState = new ConcurrentHashMap<>();
    private final Path sysDevBlock;
    private final Path mountInfo;
    private final Path sysFsBtrfs;
    private final Path dev;

    public SeekFreeReads() {
        this(Path.of("/sys/dev/block"), Path.of("/proc/self/mountinfo"), Path.of("/sys/fs/btrfs"), Path.of("/dev"));
    }

    /** With other sysfs, mountinfo and /dev, for tests. */
    SeekFreeReads(Path sysDevBlock, Path mountInfo, Path sysFsBtrfs, Path dev) {
        this.sysDevBlock = sysDevBlock;
        this.mountInfo = mountInfo;
        this.sysFsBtrfs = sysFsBtrfs;
        this.dev = dev;
    }

    public boolean test(int fd, Stat st) {
        if (solidState.computeIfAbsent(st.devId(), d -> solidState(fd, st.devMajor(), st.devMinor()))) return true;
        long cached = Posix.cachedBytes(fd);
        return cached >= 0 && cached >= st.size();
    }

    private boolean solidState(int fd, int major, int minor) {
        Boolean r = rotational(major, minor);
        if (r != null) return !r;
        List<String> devices = mountedFrom(Posix.mountId(fd));
        if (devices.isEmpty()) return false;
        for (String dev : devices) {
            Boolean d = rotationalOfDevice(dev);
            if (d == null || d) return false;
        }
        return true;
    }

    /**
     * The device's queue/rotational, or its whole disk's for a partition; null when sysfs does
     * not know the number as a block device.
     */
    private Boolean rotational(int major, int minor) {
        Path dev = sysDevBlock.resolve(major + ":" + minor);
        for (Path q : new Path[] {dev.resolve("queue/rotational"), dev.resolve("../queue/rotational")}) {
            try {
                return !Files.readString(q, StandardCharsets.US_ASCII).trim().equals("0");
            } catch (IOException | RuntimeException e) {
                // not this one: a partition has its queue one level up
            }
        }
        return null;
    }

    /** A device's rotational flag (a path below /dev), through the block device it names; null when unknown. */
    private Boolean rotationalOfDevice(String devPath) {
        try {
            Stat st = Posix.statAt(Posix.AT_FDCWD, Names.bytes(dev.resolve(devPath).toString()));
            if (st.type() != Stat.S_IFBLK) return null;
            return rotational(st.rdevMajor(), st.rdevMinor());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The devices (paths below /dev) the mount with this id was mounted from: its source, and
     * for btrfs every device of that file system; empty when unknown.
     */
    private List<String> mountedFrom(long mountId) {
        if (mountId < 0) return List.of();
        for (MountInfo m : MountInfo.read(mountInfo)) {
            if (m.id() != mountId) continue;
            String source = new String(m.source(), StandardCharsets.ISO_8859_1);
            if (!source.startsWith("/dev/")) return List.of();
            source = source.substring("/dev/".length());
            return m.type().equals("btrfs") ? btrfsDevices(source) : List.of(source);
        }
        return List.of();
    }

    /** Every device of the btrfs file system that source (below /dev) belongs to; empty when unknown. */
    private List<String> btrfsDevices(String source) {
        String name;
        try {
            name = dev.resolve(source).toRealPath().getFileName().toString(); // mapper/x -> dm-3
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        try (var fsids = Files.list(sysFsBtrfs)) {
            for (Path fsid : (Iterable<Path>) fsids::iterator) {
                Path devs = fsid.resolve("devices");
                if (!Files.exists(devs.resolve(name))) continue;
                List<String> all = new ArrayList<>();
                try (var ds = Files.list(devs)) {
                    ds.forEach(d -> all.add(d.getFileName().toString()));
                }
                return all;
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return List.of();
    }
}
