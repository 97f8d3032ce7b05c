package org.linkrescue.migrate.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.linkrescue.archive.Compression;
import org.linkrescue.archive.EntryType;
import org.linkrescue.migrate.stream.BytesContent;
import org.linkrescue.migrate.stream.Stop;

/**
 * A stop while an xz archive's last blocks compress is taken at once: the finish gives them up
 * and throws the stop, and no checkpoint can be marked after it (the rescue map's last one
 * stands). It used to wait seconds a block, and the run then ended whole.
 */
class TarSinkStopTest {
    @Test
    void t01_aStopWhileTheFinishWaitsForXzIsTakenAtOnce_andNoLaterCheckpointCanBeMarked() throws Exception {
        byte[] data = new byte[10 << 20]; // random: seconds of xz at preset 6
        new Random(5).nextBytes(data);
        Stop stop = new Stop();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarSink sink = TarSink.open(out, Compression.XZ, 2, c -> java.util.Map.of()).stopWith(stop);
        sink.accept(TeeSinkTest.entry(".", EntryType.DIRECTORY, 0, null), null);
        sink.mark();
        int atMark = out.size();
        sink.accept(TeeSinkTest.entry("big", EntryType.FILE, data.length, null), new BytesContent(data, 1 << 20));
        Thread signal = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            stop.request(Stop.Cause.SIGTERM);
        });
        signal.start();
        long t0 = System.nanoTime();
        Stop.Stopped s = assertThrows(Stop.Stopped.class, sink::finish);
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Stop.Cause.SIGTERM, s.stopCause());
        assertTrue(took < 1200, "finish gave up " + took + " ms after it began (the stop came at 200 ms)");
        assertThrows(Stop.Stopped.class, sink::mark, "no checkpoint past the stop");
        sink.close();
        assertEquals(atMark, out.size(), "nothing written past the last checkpoint's frame end");
    }
}
