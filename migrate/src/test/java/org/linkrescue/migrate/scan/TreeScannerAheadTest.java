package org.linkrescue.migrate.scan;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.BlockReader;
import org.linkrescue.migrate.drive.TimedCalls;
import org.linkrescue.migrate.drive.TimedReads;
import org.linkrescue.migrate.fs.DirWindow;
import org.linkrescue.migrate.fs.PosixException;

/**
 * On timed workers the walk opens and lists the next directory while it hands out the names
 * before it ({@link ScanCalls#ahead}): the walk must be the one it is without that, in order,
 * in what it reports, and in the descriptors it leaves open.
 */
class TreeScannerAheadTest {
    @TempDir Path dir;
    private TimedReads reads;

    @BeforeEach void reads() { reads = new TimedReads(BlockReader.REAL, Duration.ofSeconds(30), 64 * 1024); }

    @AfterEach void close() { reads.close(); }

    /** Every visit, leave and problem of a walk, one line each, in order. */
    private static List<String> walk(Path root, ScanCalls calls, PathFilter filter) throws IOException {
        List<String> seen = new ArrayList<>();
        new TreeScanner((g, p, w) -> seen.add("problem " + g + " " + Names.latin1(p) + ": " + w), filter, calls)
                .walk(Names.bytes(root.toString()), new TreeScanner.Visitor() {
                    @Override public void visit(ScannedPath p) {
                        seen.add("visit " + Names.latin1(p.path()) + " " + p.stat().ino() + " " + p.stat().type());
                    }

                    @Override public void leave(ScannedPath d) { seen.add("leave " + Names.latin1(d.path())); }

                    @Override public void unreadableDir(ScannedPath d, String why) { seen.add("unreadable " + Names.latin1(d.path()) + ": " + why); }
                });
        return seen;
    }

    private static int openDescriptors() {
        return Objects.requireNonNull(new File("/proc/self/fd").list()).length;
    }

    /**
     * Asserts that no more descriptors are open than before, once calls given up have returned
     * (their worker closes what they opened). Not "as many": the JVM may close one of its own
     * meanwhile (a fresh clone's CI saw 49 after 50).
     */
    private static void assertDescriptorsBackTo(int before, String why) {
        long until = System.nanoTime() + 5_000_000_000L;
        while (openDescriptors() > before && System.nanoTime() < until) Thread.onSpinWait();
        assertTrue(openDescriptors() <= before, why + ": " + openDescriptors() + " open, " + before + " before");
    }

    /** Snapshots of directories with files, empty directories, symlinks (one to a directory) and hard links. */
    private Path snapshots() throws IOException {
        Path root = Files.createDirectories(dir.resolve("src"));
        for (int s = 0; s < 4; s++) {
            Path snap = Files.createDirectories(root.resolve("s" + s));
            for (int d = 0; d < 12; d++) {
                Path sub = Files.createDirectories(snap.resolve("d" + d).resolve(d % 3 == 0 ? "deeper/yet" : "x"));
                for (int f = 0; f < 7; f++) Files.writeString(sub.resolve("f" + f), s + "/" + d + "/" + f);
                Files.createDirectories(snap.resolve("d" + d).resolve("empty"));
            }
            Files.createSymbolicLink(snap.resolve("link-to-d1"), snap.resolve("d1"));
            if (s > 0) Files.createLink(snap.resolve("same"), root.resolve("s0/d1/x/f1"));
        }
        return root;
    }

    @Test
    void t01_aTreeWalkedWithDirectoriesListedAheadIsTheSameWalkAndLeavesNoDescriptorOpen() throws IOException {
        Path root = snapshots();
        List<String> direct = walk(root, ScanCalls.DIRECT, PathFilter.NONE);
        int before = openDescriptors();
        List<String> ahead = walk(root, new TimedScanCalls(reads), PathFilter.NONE);
        assertEquals(direct, ahead);
        assertDescriptorsBackTo(before, "every directory opened ahead is closed");
    }

    @Test
    void t02_filteredDirectoriesAreNeitherOpenedAheadNorWalked() throws IOException {
        Path root = snapshots();
        PathFilter noDeeper = new PathFilter() {
            @Override public boolean excludes(byte[] path) { return Names.latin1(path).endsWith("/deeper"); }

            @Override public String leaveOut(byte[] path, org.linkrescue.migrate.fs.Stat st) {
                return Names.latin1(path).endsWith("/empty") ? "left out" : null;
            }
        };
        List<String> direct = walk(root, ScanCalls.DIRECT, noDeeper);
        assertTrue(direct.stream().noneMatch(l -> l.contains("/deeper")), direct.toString());
        assertTrue(direct.stream().anyMatch(l -> l.contains("/empty: left out")), direct.toString());
        assertEquals(direct, walk(root, new TimedScanCalls(reads), noDeeper));
    }

    @Test
    void t03_aTreeDeeperThanTheWindowIsWalkedAlikeWithoutListingAheadPastIt() throws IOException {
        Path p = Files.createDirectories(dir.resolve("deep"));
        for (int d = 0; d < 2 * DirWindow.LIMIT + 5; d++) {
            p = Files.createDirectories(p.resolve(d % 2 == 0 ? "a" : "b"));
            Files.createDirectories(p.resolve("side"));
            Files.writeString(p.resolve("z"), "z");
        }
        Path root = dir.resolve("deep");
        int before = openDescriptors();
        assertEquals(walk(root, ScanCalls.DIRECT, PathFilter.NONE), walk(root, new TimedScanCalls(reads), PathFilter.NONE));
        assertDescriptorsBackTo(before, "every directory opened ahead is closed");
    }

    /** Timed calls whose ahead open of one name fails as openDir would (a directory swapped for something else). */
    private final class FailingAhead implements ScanCalls {
        private final ScanCalls timed = new TimedScanCalls(reads);
        private final String name;
        final List<String> discarded = new ArrayList<>();

        FailingAhead(String name) { this.name = name; }

        @Override public List<byte[]> list(int dirFd) throws IOException { return timed.list(dirFd); }

        @Override public Looked[] look(int dirFd, List<byte[]> names) throws IOException { return timed.look(dirFd, names); }

        @Override public Listing listAndLook(int dirFd, Predicate<byte[]> keep) throws IOException { return timed.listAndLook(dirFd, keep); }

        @Override public int openDir(int dirFd, byte[] n) throws IOException { return timed.openDir(dirFd, n); }

        @Override public <T> T call(String what, TimedCalls.Call<T> call) throws IOException { return timed.call(what, call); }

        @Override public Ahead ahead(int dirFd, byte[] n, Predicate<byte[]> keep) {
            Ahead real = timed.ahead(dirFd, n, keep);
            if (!Names.latin1(n).equals(name)) return real;
            return new Ahead() {
                @Override public int open() throws IOException {
                    real.discard();
                    throw new PosixException("openat", n, 20);
                }

                @Override public Listing listing() { throw new AssertionError("not opened"); }

                @Override public void discard() { discarded.add(name); real.discard(); }
            };
        }
    }

    @Test
    void t04_aDirectoryWhoseOpenAheadFailsIsReportedAndVisitedAsUnreadableAndTheWalkGoesOn() throws IOException {
        Path root = snapshots();
        int before = openDescriptors();
        List<String> seen = walk(root, new FailingAhead("d7"), PathFilter.NONE);
        assertDescriptorsBackTo(before, "what the failed opens had opened is closed");
        List<String> unreadable = seen.stream().filter(l -> l.contains("/d7")).toList();
        assertEquals(List.of(
                "problem FAILED s0/d7: cannot open directory: ENOTDIR (Not a directory)",
                "unreadable s0/d7: cannot open directory: ENOTDIR (Not a directory)",
                "problem FAILED s1/d7: cannot open directory: ENOTDIR (Not a directory)",
                "unreadable s1/d7: cannot open directory: ENOTDIR (Not a directory)",
                "problem FAILED s2/d7: cannot open directory: ENOTDIR (Not a directory)",
                "unreadable s2/d7: cannot open directory: ENOTDIR (Not a directory)",
                "problem FAILED s3/d7: cannot open directory: ENOTDIR (Not a directory)",
                "unreadable s3/d7: cannot open directory: ENOTDIR (Not a directory)"), unreadable);
        List<String> rest = walk(root, ScanCalls.DIRECT, PathFilter.NONE).stream().filter(l -> !l.contains("/d7")).toList();
        assertEquals(rest, seen.stream().filter(l -> !l.contains("/d7")).toList(), "all else walked as without it");
    }

    @Test
    void t05_aWalkEndedByItsVisitorDiscardsTheDirectoryListedAheadAndClosesIt() throws IOException {
        Path root = snapshots();
        int before = openDescriptors();
        FailingAhead calls = new FailingAhead("none");
        IOException stop = assertThrows(IOException.class, () -> new TreeScanner((g, p, w) -> { }, PathFilter.NONE, calls)
                .walk(Names.bytes(root.toString()), p -> {
                    if (Names.latin1(p.path()).equals("s1/d4/x/f2")) throw new IOException("stopped");
                }));
        assertEquals("stopped", stop.getMessage());
        assertDescriptorsBackTo(before, "the directory begun ahead (the one after s1/d4/x) is closed too");
    }
}
