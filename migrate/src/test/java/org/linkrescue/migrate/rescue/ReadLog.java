package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The reads the fault seam saw ({@link FaultyDrive#reads}), in order, and what a rescue in
 * passes promises about them: no bad block is read twice before the last read of a healthy
 * file, and every bad block is read again afterwards.
 */
record ReadLog(List<Read> reads) {
    /** A read the seam saw: file name, offset, length. */
    record Read(String name, long off, long len) {
        static Read of(String logged) {
            int at = logged.lastIndexOf('@'), plus = logged.lastIndexOf('+');
            return new Read(logged.substring(0, at), Long.parseLong(logged.substring(at + 1, plus)), Long.parseLong(logged.substring(plus + 1)));
        }

        boolean touches(String file, long from, long to) { return name.equals(file) && off < to && from < off + len; }
    }

    static ReadLog of(FaultyDrive drive) {
        synchronized (drive.reads) {
            List<Read> out = new ArrayList<>();
            for (String r : drive.reads) if (r.indexOf('@') > 0) out.add(Read.of(r));
            return new ReadLog(out);
        }
    }

    long touching(String file, long from, long to) { return reads.stream().filter(r -> r.touches(file, from, to)).count(); }

    /** {@link #noBadBlockTwiceBeforeTheHealthyFilesAreOut(Predicate, String, long...)}, the healthy files' names starting with "h". */
    void noBadBlockTwiceBeforeTheHealthyFilesAreOut(String file, long... badBlocks) {
        noBadBlockTwiceBeforeTheHealthyFilesAreOut(n -> n.startsWith("h"), file, badBlocks);
    }

    /**
     * How often each 4 KiB bad block of file was touched (read over) before the last read of a
     * healthy file (by name): at most once each, in pass 1; and it was read again in the later passes.
     */
    void noBadBlockTwiceBeforeTheHealthyFilesAreOut(Predicate<String> healthy, String file, long... badBlocks) {
        int lastHealthy = -1;
        for (int i = 0; i < reads.size(); i++) if (healthy.test(reads.get(i).name())) lastHealthy = i;
        assertTrue(lastHealthy > 0, "healthy files were read: " + reads);
        for (long b : badBlocks) {
            int before = 0, ever = 0;
            for (int i = 0; i < reads.size(); i++) {
                if (!reads.get(i).touches(file, b, b + 4096)) continue;
                ever++;
                if (i < lastHealthy) before++;
            }
            assertTrue(before <= 1, "bad block " + b + " of " + file + " touched " + before + " times before the healthy files were out: " + reads);
            assertTrue(ever >= 2, "bad block " + b + " of " + file + " is read again in the later passes: " + reads);
        }
    }
}
