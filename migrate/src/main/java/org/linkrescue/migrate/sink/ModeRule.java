package org.linkrescue.migrate.sink;

/**
 * Which permission bits an extracted object gets. Exact (root, or -p/--same-permissions): the
 * entry's mode whole, setuid, setgid and sticky included, as a backup restore must. Otherwise
 * GNU tar's default for an ordinary user, which bsdtar and Python's tarfile 'data' filter share:
 * the umask applied and the set-id and sticky bits dropped, so an archive from a stranger
 * cannot leave a setuid program of the user's, or a world-writable directory the umask forbids.
 *
 * @param exact keep every bit of the entry's mode
 * @param umask the process's umask, applied when not exact
 */
record ModeRule(boolean exact, int umask) {
    /** Mode given to a directory that no entry describes, as GNU tar does under umask 022. */
    static final int IMPLICIT_DIR = 0755;

    /** The mode an entry's object gets. */
    int of(int entryMode) {
        return exact ? entryMode & 07777 : entryMode & 0777 & ~umask;
    }

    /** The mode of a directory made only because an entry below needed it. */
    int implicitDir() {
        return exact ? IMPLICIT_DIR : 0777 & ~umask;
    }
}
