package org.linkrescue.testdata;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.testdata.FaultFs.Op;

/** The fault file system itself: a faithful pass-through until a rule says otherwise, and gone after close. */
class FaultFsTest {
    @TempDir Path tmp;
    Path backing;
    byte[] data = FailingDrive.pattern("f", 100_000);

    @BeforeEach void tree() throws IOException {
        String why = FaultFs.unavailableReason();
        Assumptions.assumeTrue(why == null, "FaultFs tests skipped: " + why);
        backing = tmp.resolve("backing");
        Files.createDirectories(backing.resolve("s/d"));
        Files.write(backing.resolve("s/d/f"), data);
        Files.createLink(backing.resolve("s/d/g"), backing.resolve("s/d/f"));
        Files.createSymbolicLink(backing.resolve("s/l"), Path.of("d/\u00e9\u00ff-target"));
        Files.write(backing.resolve("s/\u00e9\u00ff"), new byte[] {1, 2, 3});
        Commands.run(null, "setfattr", "-n", "user.k", "-v", "value", backing.resolve("s/d/f").toString());
    }

    @Test void t01_withoutRulesItIsTheBackingTreeWithItsLinksNamesAndXattrs() throws Exception {
        try (FaultFs fs = FaultFs.mount(backing, tmp, false)) {
            Path r = fs.root();
            assertArrayEquals(data, Files.readAllBytes(r.resolve("s/d/f")));
            assertEquals(Files.getAttribute(r.resolve("s/d/f"), "unix:ino"), Files.getAttribute(r.resolve("s/d/g"), "unix:ino"));
            assertEquals(2, Files.getAttribute(r.resolve("s/d/f"), "unix:nlink"));
            assertEquals(Files.getLastModifiedTime(backing.resolve("s/d/f")), Files.getLastModifiedTime(r.resolve("s/d/f")));
            assertEquals("d/\u00e9\u00ff-target", Files.readSymbolicLink(r.resolve("s/l")).toString());
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(r.resolve("s/\u00e9\u00ff")));
            String attrs = new String(Commands.run(null, "getfattr", "-d", r.resolve("s/d/f").toString()), StandardCharsets.ISO_8859_1);
            assertTrue(attrs.contains("user.k=\"value\""), attrs);
            assertTrue(fs.count(Op.GETATTR, "s/d/f") > 0);
            assertEquals(data.length, fs.bytesRead("s/d/f"));
            assertThrows(IOException.class, () -> Files.write(r.resolve("s/new"), new byte[1]), "read-only");
        }
        assertFalse(mounted(), "unmounted by close");
    }

    @Test void t02_aBadByteRangeReadsShortUpToItThenFailsWithEioAndTheRestReads() throws Exception {
        try (FaultFs fs = FaultFs.mount(backing, tmp, true)) {
            fs.add(Fault.on(Op.READ).path("s/d/f").bytes(8192, 12288).eio());
            try (FileChannel ch = FileChannel.open(fs.root().resolve("s/d/f"), StandardOpenOption.READ)) {
                ByteBuffer b = ByteBuffer.allocate(65536);
                assertEquals(8192, ch.read(b, 0), "short where the bad range starts");
                IOException e = assertThrows(IOException.class, () -> ch.read(ByteBuffer.allocate(4096), 8192));
                assertEquals("Input/output error", e.getMessage());
                ByteBuffer after = ByteBuffer.allocate(4096);
                assertEquals(4096, ch.read(after, 12288));
                assertArrayEquals(Arrays.copyOfRange(data, 12288, 16384), after.array());
            }
            assertEquals(3, fs.count(Op.READ, "s/d/f"), "direct_io: one call per read(2)");
        }
    }

    @Test void t03_listingsLstatsAndOpensFailByPathOrGlobAndForAsManyTimesAsSaid() throws Exception {
        try (FaultFs fs = FaultFs.mount(backing, tmp, false)) {
            Path r = fs.root();
            FaultFs.Rule listing = fs.add(Fault.on(Op.READDIR).path("s/d").eio());
            assertTrue(assertThrows(IOException.class, () -> list(r.resolve("s/d"))).getMessage().endsWith("Input/output error"));
            fs.remove(listing);
            assertEquals(2, list(r.resolve("s/d")));
            fs.add(Fault.on(Op.GETATTR).glob("*/g").errno(Fault.ESTALE));
            assertThrows(IOException.class, () -> Files.readAttributes(r.resolve("s/d/g"), "unix:ino", LinkOption.NOFOLLOW_LINKS));
            assertNotNull(Files.readAttributes(r.resolve("s/d/f"), "unix:ino", LinkOption.NOFOLLOW_LINKS));
            fs.add(Fault.on(Op.OPEN).path("s/d/f").eio().times(1));
            assertThrows(IOException.class, () -> Files.readAllBytes(r.resolve("s/d/f")));
            assertArrayEquals(data, Files.readAllBytes(r.resolve("s/d/f")), "times(1): the second open works");
            fs.add(Fault.on(Op.READLINK, Op.LISTXATTR).glob("s/*").eio());
            assertThrows(IOException.class, () -> Files.readSymbolicLink(r.resolve("s/l")));
            assertThrows(IllegalStateException.class, () -> Commands.run(null, "getfattr", "-d", r.resolve("s/d/f").toString()));
            fs.clear();
            assertEquals("d/\u00e9\u00ff-target", Files.readSymbolicLink(r.resolve("s/l")).toString());
        }
    }

    @Test void t04_aStalledCallIsHeldForItsTimeOrUntilReleased() throws Exception {
        try (FaultFs fs = FaultFs.mount(backing, tmp, true)) {
            Path f = fs.root().resolve("s/d/f");
            fs.add(Fault.on(Op.READ).path("s/d/f").bytes(0, 1).stall(Duration.ofMillis(600)).times(1));
            long t0 = System.nanoTime();
            assertArrayEquals(data, Files.readAllBytes(f));
            assertTrue(System.nanoTime() - t0 >= 550_000_000L, "held about 600 ms");

            FaultFs.Rule hang = fs.add(Fault.on(Op.READDIR).path("s").stallUntilReleased());
            CompletableFuture<Long> listing = CompletableFuture.supplyAsync(() -> {
                try { return list(fs.root().resolve("s")); } catch (IOException e) { throw new RuntimeException(e); }
            });
            fs.awaitStalled(1, 5000);
            Thread.sleep(200);
            assertFalse(listing.isDone(), "held while not released");
            fs.release(hang);
            assertEquals(3, listing.get(5, TimeUnit.SECONDS));
            assertEquals(0, fs.stalled());
        }
    }

    @Test void t05_closeEndsAReadHeldInTheKernelAndLeavesNothingMounted() throws Exception {
        FaultFs fs = FaultFs.mount(backing, tmp, true);
        CompletableFuture<Integer> read;
        try (fs) {
            fs.add(Fault.on(Op.READ).path("s/d/f").stallUntilReleased().eio());
            read = CompletableFuture.supplyAsync(() -> {
                try (FileChannel ch = FileChannel.open(fs.root().resolve("s/d/f"), StandardOpenOption.READ)) {
                    return ch.read(ByteBuffer.allocate(4096), 0);
                } catch (IOException e) {
                    return -1;
                }
            });
            fs.awaitStalled(1, 5000);
        }
        assertEquals(-1, read.get(10, TimeUnit.SECONDS), "released with the rule's EIO");
        assertFalse(mounted());
    }

    private static long list(Path dir) throws IOException {
        long n = 0;
        try (var s = Files.newDirectoryStream(dir)) {
            for (var it = s.iterator(); it.hasNext(); it.next()) n++;
        } catch (java.nio.file.DirectoryIteratorException e) {
            throw e.getCause();
        }
        return n;
    }

    private boolean mounted() throws IOException {
        return Files.readString(Path.of("/proc/self/mountinfo")).contains(tmp.toString());
    }
}
