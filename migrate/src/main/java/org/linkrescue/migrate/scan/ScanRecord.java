package org.linkrescue.migrate.scan;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.linkrescue.migrate.drive.ReadTimeoutException;
import org.linkrescue.migrate.drive.TimedCalls;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.Stat;

/**
 * What one walk of a tree found in each directory (its listing and lookups, or the stall that
 * listing met), kept for a later walk of the same tree to take instead of asking the drive
 * again: migrate's room check walks SOURCE's metadata before the copy, and the copy's scan
 * then lists and looks up nothing twice. On a failing drive that halves the metadata reads,
 * and a directory that stalled costs the timeout once, not twice.
 *
 * <p>Bounded: at most {@code maxNames} names are kept (what a walk finds past that is asked of
 * the drive again). Each directory is given out once and then forgotten, so the memory goes as
 * the copy goes. Directories are known by device and inode (fstat of the open directory), so a
 * directory is only taken for itself.
 */
public final class ScanRecord {
    private record Key(long dev, long ino) {}

    /** A directory's listing, or the stall its listing met. */
    private record Kept(ScanCalls.Listing listing, IOException failed) {}

    private final Map<Key, Kept> kept = new HashMap<>();
    private final long maxNames;
    private long names;

    /** @param maxNames the most names kept over all directories */
    public ScanRecord(long maxNames) { this.maxNames = maxNames; }

    /** A record sized to this JVM's heap: an eighth of it, at about 256 bytes a name (its lstat, its lookup, its bytes). */
    public static ScanRecord forHeap() { return new ScanRecord(Runtime.getRuntime().maxMemory() / 8 / 256); }

    /** Directories kept and not yet given out. */
    public synchronized int directories() { return kept.size(); }

    private static Key key(int dirFd) throws IOException {
        Stat st = Posix.fstat(dirFd);
        return new Key(st.devId(), st.ino());
    }

    private synchronized void keep(Key k, ScanCalls.Listing l, IOException failed) {
        // Only a stall is kept of a failure: it is what would cost the timeout again; any
        // other (a directory gone, this machine's limit met) is cheap and right to meet anew.
        if (failed != null && !(failed instanceof ReadTimeoutException)) return;
        int n = l == null ? 0 : l.names().size();
        if (names + n > maxNames) return;
        names += n;
        kept.put(k, new Kept(l, failed));
    }

    private synchronized Kept take(Key k) { return kept.remove(k); }

    /** calls, keeping every directory's listing (or its failure) here as the walk makes it. */
    public ScanCalls recording(ScanCalls calls) {
        return new Delegating(calls) {
            @Override public Listing listAndLook(int dirFd, Predicate<byte[]> keep) throws IOException {
                Key k = key(dirFd);
                try {
                    Listing l = calls.listAndLook(dirFd, keep);
                    keep(k, l, null);
                    return l;
                } catch (IOException e) {
                    keep(k, null, e);
                    throw e;
                }
            }

            @Override public Ahead ahead(int dirFd, byte[] name, Predicate<byte[]> keep) {
                Ahead a = calls.ahead(dirFd, name, keep);
                if (a == null) return null;
                return new Ahead() {
                    private Key k;

                    @Override public int open() throws IOException {
                        int fd = a.open();
                        k = key(fd);
                        return fd;
                    }

                    @Override public Listing listing() throws IOException {
                        try {
                            Listing l = a.listing();
                            keep(k, l, null);
                            return l;
                        } catch (IOException e) {
                            keep(k, null, e);
                            throw e;
                        }
                    }

                    @Override public void discard() { a.discard(); }
                };
            }
        };
    }

    /**
     * calls, giving a directory this record holds its kept listing (the names keep accepts, in
     * order) or its kept failure instead of asking the drive; every other directory is asked.
     * Nothing is begun ahead while the record holds directories: a kept listing costs nothing
     * to wait for, and an open begun ahead would be one more hand-off.
     */
    public ScanCalls replaying(ScanCalls calls) {
        return new Delegating(calls) {
            @Override public Listing listAndLook(int dirFd, Predicate<byte[]> keep) throws IOException {
                Kept k = directories() == 0 ? null : take(key(dirFd));
                if (k == null) return calls.listAndLook(dirFd, keep);
                if (k.failed() != null) throw k.failed();
                List<byte[]> names = k.listing().names();
                Looked[] looked = k.listing().looked();
                List<byte[]> keptNames = new ArrayList<>(names.size());
                List<Looked> keptLooked = new ArrayList<>(names.size());
                for (int i = 0; i < names.size(); i++) {
                    if (!keep.test(names.get(i))) continue;
                    keptNames.add(names.get(i));
                    keptLooked.add(looked[i]);
                }
                return new Listing(keptNames, keptLooked.toArray(new Looked[0]));
            }

            @Override public Ahead ahead(int dirFd, byte[] name, Predicate<byte[]> keep) {
                return directories() == 0 ? calls.ahead(dirFd, name, keep) : null;
            }
        };
    }

    /** Passes every call on to calls. */
    private abstract static class Delegating implements ScanCalls {
        final ScanCalls calls;

        Delegating(ScanCalls calls) { this.calls = calls; }

        @Override public List<byte[]> list(int dirFd) throws IOException { return calls.list(dirFd); }

        @Override public Looked[] look(int dirFd, List<byte[]> names) throws IOException { return calls.look(dirFd, names); }

        @Override public int openDir(int dirFd, byte[] name) throws IOException { return calls.openDir(dirFd, name); }

        @Override public <T> T call(String what, TimedCalls.Call<T> call) throws IOException { return calls.call(what, call); }
    }
}
