package org.linkrescue.migrate.sink;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;

/**
 * Descriptors of the directories that hold hard-link targets, kept by path, least recently used
 * first out. Link targets do not come in a depth-first order: the files of one directory of
 * snapshot N link to the first copies of their inodes, spread over the same directory in every
 * earlier snapshot, so a single walk stack ({@link DirCursor}) re-walked from the root for
 * nearly every link (an openat per level each time, 200,000 of them on a 20-snapshot tree).
 *
 * <p>Walks like {@link DirCursor}: one component at a time with O_DIRECTORY|O_NOFOLLOW from the
 * deepest directory already held, never creating anything; a component that is missing, a
 * symlink or not a directory is refused. Sound for the same reason: the sink never removes or
 * renames a directory, so a kept descriptor still names the directory at its path.
 */
final class DirCache implements AutoCloseable {
    private final int rootFd;
    private final int maxOpen;
    private final Map<Key, Integer> open;
    // The last directory asked for: consecutive links mostly share it, and need no hashing then.
    private byte[] lastBytes;
    private int lastLen = -1;
    private int lastFd = -1;

    DirCache(int rootFd, int maxOpen) {
        if (maxOpen < 1) throw new IllegalArgumentException("maxOpen " + maxOpen);
        this.rootFd = rootFd;
        this.maxOpen = maxOpen;
        this.open = new LinkedHashMap<>(Math.max(16, maxOpen * 2), 0.75f, true) {
            @Override protected boolean removeEldestEntry(Map.Entry<Key, Integer> eldest) {
                if (size() <= maxOpen) return false;
                if (eldest.getValue() == lastFd) lastLen = -1;
                Posix.close(eldest.getValue());
                return true;
            }
        };
    }

    /**
     * The descriptor of the directory holding p's last component (kept open by the cache; valid
     * until the next call; the caller must not close it).
     *
     * @throws Refused        a component is missing, a symlink or not a directory
     * @throws PosixException the target failed otherwise
     */
    int parentOf(SafePath p) throws Refused, PosixException {
        int n = p.count() - 1;
        if (n <= 0) return rootFd;
        int len = p.end(n - 1);
        byte[] b = p.bytes();
        if (len == lastLen && Arrays.equals(lastBytes, 0, len, b, 0, len)) return lastFd;
        // The directory itself, open already: one hash of its path (the links of a snapshot's
        // directory come from a few directories, each asked for again and again in turn).
        Integer held = open.get(new Key(b, len)); // get: the most recently used now
        if (held != null) {
            lastBytes = b;
            lastLen = len;
            lastFd = held;
            return held;
        }
        // Else its parent, open already (the next directory of a snapshot's tree): one hash more.
        if (n >= 2) {
            int up = p.end(n - 2);
            Integer parent = open.get(new Key(b, up));
            if (parent != null) return openBelow(p, n - 1, parent, b, len);
        }
        // Else the deepest directory already open on the way: the longest key that is a prefix
        // of p ending at a component. The keys are compared, not each level's prefix copied and
        // hashed: a path N levels deep costs N bytes per key, not N prefixes of up to N bytes.
        Key best = null;
        for (Key k : open.keySet()) {
            int kl = k.bytes.length;
            if (kl <= len && (best == null || kl > best.bytes.length) && (kl == len || b[kl] == '/')
                    && Arrays.equals(k.bytes, 0, kl, b, 0, kl)) best = k;
        }
        int level = best == null ? 0 : levelEndingAt(p, best.bytes.length);
        int dir = best == null ? rootFd : open.get(best); // get: the most recently used now
        return openBelow(p, level, dir, b, len);
    }

    /** Opens p's parent directory's levels from level on, below dir (level's parent), and keeps them. */
    private int openBelow(SafePath p, int level, int dir, byte[] b, int len) throws Refused, PosixException {
        int n = p.count() - 1;
        // Open the rest below it; only the deepest levels are kept (as many as the cache holds).
        for (int k = level; k < n; k++) {
            int next;
            try {
                next = descend(dir, p.name(k));
            } catch (Refused | PosixException x) {
                if (k > level && k - 1 < n - maxOpen) Posix.close(dir); // an intermediate level nobody keeps
                throw x;
            }
            if (k > level && k - 1 < n - maxOpen) Posix.close(dir);
            dir = next;
            if (k >= n - maxOpen) open.put(new Key(b, p.end(k)), dir);
        }
        lastBytes = b;
        lastLen = len;
        lastFd = dir;
        return dir;
    }

    /** The level whose component ends at byte end of p (p.end is increasing). */
    private static int levelEndingAt(SafePath p, int end) {
        int lo = 0, hi = p.count() - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (p.end(mid) < end) lo = mid + 1;
            else hi = mid;
        }
        return lo + 1;
    }

    private static int descend(int parent, byte[] name) throws Refused, PosixException {
        try {
            return Posix.openDir(parent, name);
        } catch (PosixException e) {
            int err = e.errno();
            if (err == Errno.ENOENT || err == Errno.ELOOP || err == Errno.ENOTDIR) {
                throw new Refused("a parent is missing, a symlink or not a directory");
            }
            throw e;
        }
    }

    /** Descriptors currently held (for tests of the bound). */
    int openCount() { return open.size(); }

    @Override
    public void close() {
        for (Iterator<Integer> it = open.values().iterator(); it.hasNext(); ) {
            Posix.close(it.next());
            it.remove();
        }
        lastLen = -1;
    }

    /** A directory path: the first len bytes of a cleaned path. */
    private static final class Key {
        final byte[] bytes;
        final int hash;

        Key(byte[] src, int len) {
            bytes = Arrays.copyOf(src, len);
            hash = Arrays.hashCode(bytes);
        }

        @Override public boolean equals(Object o) { return o instanceof Key k && Arrays.equals(bytes, k.bytes); }
        @Override public int hashCode() { return hash; }
    }
}
