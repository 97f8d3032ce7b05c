package org.linkrescue.migrate.scan;

import org.linkrescue.migrate.fs.Stat;

/**
 * Which paths a walk leaves out, and with them, for a directory, everything below it. Asked
 * twice per path: by name before anything is asked of the drive about it (an excluded path is
 * never even lstat'ed: a user may exclude a directory because the drive hangs on it), then with
 * its lstat.
 */
public interface PathFilter {
    PathFilter NONE = new PathFilter() {
        @Override public boolean excludesByName() { return false; }
    };

    /** Whether path (relative to the walk's root) is left out by name alone, without a word (tar's --exclude). */
    default boolean excludes(byte[] path) { return false; }

    /**
     * Whether {@link #excludes} may leave out anything: when not, a walk need not join each
     * name to its directory's path to ask (a copy of every path, for nothing).
     */
    default boolean excludesByName() { return true; }

    /** Why path, as lstat found it, is left out (reported as a warning), or null to keep it. */
    default String leaveOut(byte[] path, Stat st) { return null; }

    /** Both filters: a path is left out when either leaves it out. */
    default PathFilter and(PathFilter other) {
        PathFilter self = this;
        return new PathFilter() {
            @Override public boolean excludes(byte[] path) { return self.excludes(path) || other.excludes(path); }

            @Override public boolean excludesByName() { return self.excludesByName() || other.excludesByName(); }

            @Override public String leaveOut(byte[] path, Stat st) {
                String why = self.leaveOut(path, st);
                return why != null ? why : other.leaveOut(path, st);
            }
        };
    }

    /** Leaves out the one file with st's device and inode (the archive being written: GNU tar's "file is the archive; not dumped"). */
    static PathFilter notThisFile(Stat file, String why) {
        return new PathFilter() {
            @Override public boolean excludesByName() { return false; }

            @Override public String leaveOut(byte[] path, Stat st) {
                return st.devId() == file.devId() && st.ino() == file.ino() ? why : null;
            }
        };
    }
}
