package org.linkrescue.migrate.scan;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.drive.TimedCalls;
import org.linkrescue.migrate.fs.MachineLimitException;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;

/**
 * The calls the scan makes on the drive: list a directory, look up its names (lstat, and
 * readlink for a symlink), open a subdirectory. {@link #DIRECT} makes them on the scanning
 * thread; {@link TimedScanCalls} on workers that give a call up past the read timeout, since a
 * dying drive stalls an inode's or a directory's metadata as readily as a file's data.
 */
public interface ScanCalls {
    /**
     * What the lookup of one name found: its lstat and, for a symlink, its target; or why not.
     * When the lookup listed the inode's extended attributes too, xattrs has them (else null).
     */
    record Looked(Stat stat, byte[] target, String error, ListedXattrs xattrs) {
        Looked(Stat stat, byte[] target, String error) { this(stat, target, error, null); }

        static Looked failed(String why) { return new Looked(null, null, why); }

        Looked withXattrs(ListedXattrs listed) { return new Looked(stat, target, error, listed); }
    }

    /**
     * The names of an inode's extended attributes, listed with its lstat on the same worker
     * call (one hand-off for a run of names instead of one more per inode); or why they could
     * not be listed (the listing stalled), which is then reported as the reader's own listing would be.
     *
     * @param names the names in the kernel's order (empty: none), null when stalled
     * @param stall what did not return in time ("listxattr did not return within 1.0 s"), else null
     */
    record ListedXattrs(List<byte[]> names, String stall) {}

    /**
     * The names in the directory at dirFd (without . and ..), unsorted.
     *
     * @throws IOException the listing failed or did not return in time (the message says which)
     */
    List<byte[]> list(int dirFd) throws IOException;

    /**
     * Looks up every name of names (in the directory at dirFd), one result per name in order: a
     * name whose lstat or readlink fails or hangs gets its reason, and the rest are still
     * looked up.
     *
     * @throws org.linkrescue.migrate.fs.MachineLimitException a lookup met this machine's limit
     */
    Looked[] look(int dirFd, List<byte[]> names) throws IOException;

    /** A directory's names, kept and sorted, and what looking each up found, in the same order. */
    record Listing(List<byte[]> names, Looked[] looked) {}

    /**
     * Lists the directory at dirFd ({@link #list}), keeps the names keep accepts (before
     * anything is asked of the drive about them), sorts them bytewise and looks them up
     * ({@link #look}): in as few calls to the drive's workers as can be.
     *
     * @throws IOException the listing failed or did not return in time (the message says which)
     */
    default Listing listAndLook(int dirFd, Predicate<byte[]> keep) throws IOException {
        List<byte[]> names = list(dirFd);
        names.removeIf(keep.negate());
        names.sort(Names::compare);
        return new Listing(names, look(dirFd, names));
    }

    /**
     * Opens the directory name below dirFd (never following a symlink).
     *
     * @throws IOException it failed or did not return in time
     */
    int openDir(int dirFd, byte[] name) throws IOException;

    /**
     * Runs another metadata call of the drive (extended attributes) the way these are run.
     *
     * @param what names it in a timeout's message ("listxattr")
     */
    <T> T call(String what, TimedCalls.Call<T> call) throws IOException;

    /**
     * A subdirectory opened, listed and looked up ahead of the walk ({@link #ahead}): the walk
     * takes its descriptor, then its listing, when it reaches it, or discards it.
     */
    interface Ahead {
        /**
         * Its descriptor, now owned by the caller: waits for the open as {@link #openDir} does.
         *
         * @throws IOException as openDir: the open failed or did not return in time
         */
        int open() throws IOException;

        /**
         * Its listing, after {@link #open}: as {@link #listAndLook} with the keep it was begun with.
         *
         * @throws IOException as listAndLook: the listing failed or did not return in time
         */
        Listing listing() throws IOException;

        /** Not wanted after all (the walk stopped): a descriptor not yet taken is closed, now or when its open returns. */
        void discard();
    }

    /**
     * Begins to open name below dirFd and to list and look it up as {@link #listAndLook} would,
     * while the walk goes on with what comes before it: the walk hands out one directory's names
     * while the drive's worker lists the next. Null when these calls cannot run ahead ({@link #DIRECT}).
     */
    default Ahead ahead(int dirFd, byte[] name, Predicate<byte[]> keep) { return null; }

    /** The calls made as they are, on the calling thread. */
    ScanCalls DIRECT = new ScanCalls() {
        @Override public List<byte[]> list(int dirFd) throws IOException { return Posix.listDir(dirFd); }

        @Override public Looked[] look(int dirFd, List<byte[]> names) throws IOException {
            Looked[] out = new Looked[names.size()];
            for (int i = 0; i < out.length; i++) out[i] = lookUp(dirFd, names.get(i));
            return out;
        }

        @Override public int openDir(int dirFd, byte[] name) throws IOException { return Posix.openDir(dirFd, name); }

        @Override public <T> T call(String what, TimedCalls.Call<T> call) throws IOException { return call.run(); }
    };

    /** lstat, and readlink for a symlink, of one name; a failure is the result, unless it is this machine's limit. */
    static Looked lookUp(int dirFd, byte[] name) throws IOException {
        return lookUp(dirFd, name, call -> { });
    }

    /** As {@link #lookUp(int, byte[])}, telling calling which call ("lstat", "readlink") it makes next. */
    static Looked lookUp(int dirFd, byte[] name, Consumer<String> calling) throws IOException {
        calling.accept("lstat");
        Stat st;
        try {
            st = Posix.lstatAt(dirFd, name);
        } catch (PosixException e) {
            MachineLimitException.check(e, null);
            return Looked.failed("lstat: " + e.reason());
        }
        if (st.type() != Stat.S_IFLNK) return new Looked(st, null, null);
        calling.accept("readlink");
        try {
            return new Looked(st, Posix.readlinkAt(dirFd, name), null);
        } catch (PosixException e) {
            MachineLimitException.check(e, null);
            return new Looked(st, null, "readlink: " + e.reason());
        }
    }
}
