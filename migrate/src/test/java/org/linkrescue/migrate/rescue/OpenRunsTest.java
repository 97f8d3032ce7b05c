package org.linkrescue.migrate.rescue;

import static org.junit.jupiter.api.Assertions.*;
import static org.linkrescue.migrate.rescue.RescueFixture.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.ReadTimeoutException;
import org.linkrescue.migrate.drive.TimedOpens;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/** A run of opens handed to one read worker in one call ({@link TimedOpens#startOpens}), on real files. */
class OpenRunsTest {
    static final int KiB = 1024, MiB = 1 << 20;

    @TempDir Path tmp;
    final FaultyDrive faults = new FaultyDrive();
    /** The thread each open ran on, in order. */
    final List<String> openedOn = java.util.Collections.synchronizedList(new ArrayList<>());
    final BlockReader drive = new BlockReader() {
        @Override public int open(int dirFd, byte[] name, int flags) throws PosixException {
            openedOn.add(Names.latin1(name) + "@" + Thread.currentThread().getName());
            return faults.open(dirFd, name, flags);
        }

        @Override public Stat fstat(int fd) throws PosixException { return faults.fstat(fd); }
        @Override public int pread(int fd, ByteBuffer b, int len, long off) throws PosixException { return faults.pread(fd, b, len, off); }
        @Override public void close(int fd) { faults.close(fd); }
    };
    TimedReads reads;
    int dir;

    @BeforeEach void open() throws Exception {
        Files.createDirectories(tmp.resolve("d"));
        dir = Posix.openat(Posix.AT_FDCWD, Names.bytes(tmp.resolve("d").toString()), Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        reads = new TimedReads(drive, Duration.ofSeconds(1), MiB, 2);
    }

    @AfterEach void close() {
        faults.release.countDown();
        reads.close();
        Posix.close(dir);
    }

    private TimedOpens.PendingOpen[] start(String... names) {
        int[] dirs = new int[names.length];
        java.util.Arrays.fill(dirs, dir);
        byte[][] n = new byte[names.length][];
        for (int i = 0; i < names.length; i++) n[i] = Names.bytes(names[i]);
        return reads.opens().startOpens(dirs, n, Posix.O_RDONLY | Posix.O_NOFOLLOW, 16L * MiB);
    }

    private static byte[] bytesOf(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @Test void t01_aRunIsOneCallToOneWorker_smallFilesAreReadIntoItsBufferWhileTheyFit() throws Exception {
        byte[][] data = new byte[5][];
        for (int i = 0; i < 5; i++) file(tmp.resolve("d/f" + i), data[i] = bytes(300 * KiB + i, 40 + i));
        TimedOpens.PendingOpen[] run = start("f0", "f1", "f2", "f3", "f4");
        List<byte[]> early = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            TimedOpens.Opened o = reads.opens().finishOpen(run[i]);
            try {
                assertEquals(lstat(tmp.resolve("d/f" + i)).ino(), o.stat().ino(), "each open is of its own file");
                early.add(o.early() == null ? null : bytesOf(o.early().bytes()));
            } finally {
                Posix.close(o.fd());
            }
        }
        // Three files fill 900 KiB of the 1 MiB buffer; the fourth and fifth no longer fit.
        for (int i = 0; i < 3; i++) assertArrayEquals(data[i], early.get(i), "f" + i + " read with its open");
        assertNull(early.get(3));
        assertNull(early.get(4));
        assertEquals(5, openedOn.size());
        assertEquals(1, openedOn.stream().map(s -> s.substring(s.indexOf('@'))).distinct().count(),
                "one worker opened the whole run: " + openedOn);
    }

    @Test void t02_runsInFlightGoToWorkersOfTheirOwn_aFinishedRunsWorkerIsReused() throws Exception {
        for (int i = 0; i < 5; i++) file(tmp.resolve("d/f" + i), bytes(100, i));
        TimedOpens.PendingOpen[] first = start("f0", "f1");
        TimedOpens.PendingOpen[] second = start("f2", "f3");
        // More than the lanes planned: one more worker, for good. A file of its own, so the first
        // run's worker is told by f0 whichever run's worker happens to start first.
        TimedOpens.PendingOpen[] third = start("f4");
        for (TimedOpens.PendingOpen p : first) Posix.close(reads.opens().finishOpen(p).fd());
        TimedOpens.PendingOpen[] fourth = start("f1"); // the first run is finished: its worker is free again
        for (TimedOpens.PendingOpen p : second) Posix.close(reads.opens().finishOpen(p).fd());
        Posix.close(reads.opens().finishOpen(third[0]).fd());
        Posix.close(reads.opens().finishOpen(fourth[0]).fd());
        List<String> workers = openedOn.stream().map(s -> s.substring(s.indexOf('@'))).distinct().toList();
        assertEquals(3, workers.size(), openedOn.toString());
        String firstRun = workerOf("f0", 0), fourthRun = workerOf("f1", 1);
        assertEquals(firstRun, fourthRun, "the first run's worker opened the fourth: " + openedOn);
    }

    @Test void t05_anOpenRetriedWithoutNoatimeInsideARunFindsAWorkerWhileBothRunsAreInFlight() throws Exception {
        // O_NOATIME is for the file's owner only: EPERM for anyone else, and the rescue source
        // opens again without it. That second open comes while both runs still hold their workers.
        for (String n : List.of("a", "b", "c", "x", "y")) file(tmp.resolve("d/" + n), bytes(700, n.charAt(0)));
        BlockReader notOwner = new BlockReader() {
            @Override public int open(int dirFd, byte[] name, int flags) throws PosixException {
                if (Names.latin1(name).equals("b") && (flags & Posix.O_NOATIME) != 0)
                    throw new PosixException("open", name, org.linkrescue.migrate.fs.Errno.EPERM);
                return drive.open(dirFd, name, flags);
            }

            @Override public Stat fstat(int fd) throws PosixException { return drive.fstat(fd); }
            @Override public int pread(int fd, ByteBuffer b, int len, long off) throws PosixException { return drive.pread(fd, b, len, off); }
            @Override public void close(int fd) { drive.close(fd); }
        };
        RescueFixture fx = new RescueFixture();
        try (RescueContentSource source = new RescueContentSource(RescueOptions.defaults().withSpoolDir(tmp), fx.policy, new RescueReport(), notOwner)) {
            List<org.linkrescue.migrate.stream.ContentSource.Opening> first = source.startOpens(requests("a", "b", "c"), 16L * MiB);
            List<org.linkrescue.migrate.stream.ContentSource.Opening> second = source.startOpens(requests("x", "y"), 16L * MiB);
            for (var o : first) o.finish().close();
            for (var o : second) o.finish().close();
        }
        String retry = workerOf("b", 0);
        assertNotEquals(workerOf("a", 0), retry, "the retry did not wait for a busy run's worker: " + openedOn);
        assertNotEquals(workerOf("x", 0), retry, openedOn.toString());
    }

    /** The worker that made the k-th open of name (0: the first). */
    private String workerOf(String name, int k) {
        List<String> of = openedOn.stream().filter(s -> s.startsWith(name + "@")).toList();
        return of.get(k).substring(of.get(k).indexOf('@'));
    }

    private List<org.linkrescue.migrate.stream.ContentSource.OpenRequest> requests(String... names) throws Exception {
        List<org.linkrescue.migrate.stream.ContentSource.OpenRequest> out = new ArrayList<>();
        for (String n : names)
            out.add(new org.linkrescue.migrate.stream.ContentSource.OpenRequest(Names.bytes("d/" + n), dir, Names.bytes(n), lstat(tmp.resolve("d/" + n))));
        return out;
    }

    @Test void t03_anOpenThatHangsMidRunIsGivenUp_theOnesBeforeItStand_theOnesAfterItOpenOnAFreshWorker() throws Exception {
        byte[] a = bytes(5000, 1), c = bytes(6000, 3);
        file(tmp.resolve("d/a"), a);
        file(tmp.resolve("d/b"), bytes(10, 2));
        file(tmp.resolve("d/c"), c);
        faults.hangOnOpen("b");
        TimedOpens.PendingOpen[] run = start("a", "b", "c");
        TimedOpens.Opened oa = reads.opens().finishOpen(run[0]);
        assertArrayEquals(a, bytesOf(oa.early().bytes()));
        Posix.close(oa.fd());
        long t0 = System.nanoTime();
        assertThrows(ReadTimeoutException.class, () -> reads.opens().finishOpen(run[1]));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "given up after the timeout");
        assertEquals(1, reads.lostWorkers());
        TimedOpens.Opened oc = reads.opens().finishOpen(run[2]);
        try {
            assertEquals(lstat(tmp.resolve("d/c")).ino(), oc.stat().ino());
        } finally {
            Posix.close(oc.fd());
        }
        String hungOn = openedOn.get(1).substring(openedOn.get(1).indexOf('@'));
        String cOn = openedOn.get(openedOn.size() - 1);
        assertTrue(cOn.startsWith("c@") && !cOn.endsWith(hungOn), "c opened by another worker: " + openedOn);
        // Both lanes are usable again: the lost worker's was replaced, the other is free.
        TimedOpens.PendingOpen[] x = start("a");
        TimedOpens.PendingOpen[] y = start("c");
        Posix.close(reads.opens().finishOpen(x[0]).fd());
        Posix.close(reads.opens().finishOpen(y[0]).fd());
    }

    @Test void t04_anOpenOfARunThatReturnsAfterItWasGivenUpClosesItsDescriptor() throws Exception {
        file(tmp.resolve("d/a"), bytes(10, 1));
        Path late = file(tmp.resolve("d/late"), bytes(9000, 2));
        faults.lateOpen("late");
        TimedOpens.PendingOpen[] run = start("a", "late");
        Posix.close(reads.opens().finishOpen(run[0]).fd());
        assertThrows(ReadTimeoutException.class, () -> reads.opens().finishOpen(run[1]));
        faults.letGoAndAwaitLostWorkers(); // the open now returns a descriptor nobody waits for
        assertEquals(1, faults.lateOpened.get(), "the late open happened");
        String real = late.toRealPath().toString();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            assertEquals(0, fds.filter(f -> {
                try {
                    return Files.readSymbolicLink(f).toString().equals(real);
                } catch (java.io.IOException gone) {
                    return false;
                }
            }).count(), "the late open's descriptor is closed by its worker");
        }
    }

    @Test void t06_opensOfARunNotYetBegunCanBeGivenUp_andAreNeverOpened() throws Exception {
        file(tmp.resolve("d/slow"), bytes(10, 1));
        file(tmp.resolve("d/b"), bytes(10, 2));
        file(tmp.resolve("d/c"), bytes(10, 3));
        file(tmp.resolve("d/probe"), bytes(10, 4));
        faults.lateOpen("slow");
        TimedOpens.PendingOpen[] run = start("slow", "b", "c");
        assertTrue(reads.opens().cancel(run[2]));
        assertTrue(reads.opens().cancel(run[1]));
        faults.release.countDown();
        Posix.close(reads.opens().finishOpen(run[0]).fd());
        // The run is settled, so its lane is free again: the next open goes to the same worker,
        // which takes it only once it is done with the run.
        Posix.close(reads.opens().open(dir, Names.bytes("probe"), Posix.O_RDONLY).fd());
        assertEquals(List.of("slow", "probe"), openedOn.stream().map(s -> s.substring(0, s.indexOf('@'))).toList(),
                "the given-up opens never reach the drive");
        assertEquals(1, openedOn.stream().map(s -> s.substring(s.indexOf('@'))).distinct().count(),
                "a cancelled run releases its lane: the same worker took the next open");
        assertFalse(reads.opens().cancel(run[0]), "one under way or done is finished, not given up");
    }
}
