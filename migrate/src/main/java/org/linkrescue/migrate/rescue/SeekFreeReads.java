package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;

/**
 * Whether a file may be read while another one is read, at no cost to the drive: its bytes are
 * all in the page cache already (the drive is not touched), or the drive does not seek (sysfs
 * says it is not rotational). A spinning disk read at two places at once seeks between them, and
 * a dying one is the last drive to make seek more than it must: anything unknown counts as
 * spinning. The answer per device is looked up once.
 */
final class SeekFreeReads {
    private final ConcurrentHashMap<Long, Boolean> solidState = new ConcurrentHashMap<>();
    private final Path sysDevBlock;

    SeekFreeReads() {
        this(Path.of("/sys/dev/block"));
    }

    /** With another sysfs directory of block devices by major:minor, for tests. */
    SeekFreeReads(Path sysDevBlock) {
        this.sysDevBlock = sysDevBlock;
    }

    boolean test(int fd, Stat st) {
        if (solidState.computeIfAbsent(st.devId(), d -> !rotational(st.devMajor(), st.devMinor()))) return true;
        long cached = Posix.cachedBytes(fd);
        return cached >= 0 && cached >= st.size();
    }

    /**
     * The device's queue/rotational, or its whole disk's for a partition; true (spinning) when
     * there is none: btrfs and network filesystems report a device number sysfs does not know.
     */
    private boolean rotational(int major, int minor) {
        Path dev = sysDevBlock.resolve(major + ":" + minor);
        for (Path q : new Path[] {dev.resolve("queue/rotational"), dev.resolve("../queue/rotational")}) {
            try {
                String v = Files.readString(q, StandardCharsets.US_ASCII).trim();
                return !v.equals("0");
            } catch (IOException | RuntimeException e) {
                // not this one: a partition has its queue one level up
            }
        }
        return true;
    }
}
