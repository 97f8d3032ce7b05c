package org.linkrescue.migrate.sink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where hard links to a path go once that path's inode reached the target file system's link
 * limit (EMLINK; ext4 allows 65,000): the sink wrote a separate copy, as storeBackup does, and
 * every later link to the first path goes to the newest copy instead. Empty in every ordinary
 * run, so a lookup then costs nothing.
 */
final class LinkCopies {
    /** Every copy made for a path, the newest last. */
    private final Map<Key, List<SafePath>> copies = new HashMap<>();
    /** Whether any copy was made: read without the owner's lock, so an ordinary run never takes it. */
    private volatile boolean any;

    /** Whether no copy was made so far: then every link goes where it names (safe to ask on any thread). */
    boolean none() { return !any; }

    /** The path a hard link naming target must actually link to. */
    SafePath resolve(SafePath target) {
        if (copies.isEmpty()) return target;
        List<SafePath> made = copies.get(new Key(target.bytes()));
        return made == null ? target : made.get(made.size() - 1);
    }

    void put(SafePath target, SafePath copy) {
        copies.computeIfAbsent(new Key(target.bytes()), k -> new ArrayList<>()).add(copy);
        any = true;
    }

    /** Every separate copy made of target's inode, oldest first (each holds the same bytes). */
    List<SafePath> all(SafePath target) {
        List<SafePath> made = copies.get(new Key(target.bytes()));
        return made == null ? List.of() : List.copyOf(made);
    }

    int size() { return copies.size(); }

    private record Key(byte[] path) {
        @Override public boolean equals(Object o) { return o instanceof Key k && Arrays.equals(path, k.path); }
        @Override public int hashCode() { return Arrays.hashCode(path); }
    }
}
