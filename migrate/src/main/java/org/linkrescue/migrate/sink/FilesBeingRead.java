package org.linkrescue.migrate.sink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Retainable;

/**
 * Large files the disk sink let a data thread read off the drive as it writes them
 * ({@link Retainable#retain} while not {@link Retainable#settled}): whether they were damaged is
 * known only once that ends. The caller names each later path of a damaged inode in the rescue
 * report as soon as the sink has taken it, so a hard link to one of these files waits in accept
 * until it is settled (the sink waits for its entry to be made, then for its data thread, both
 * of which signal their end). A handful at most (files over 16 MiB, two or three copying at once).
 * Used by the thread calling accept only.
 */
final class FilesBeingRead {
    /** A file being read: its cleaned path, its content, and the sink's ticket for its entry. */
    record Reading(SafePath path, Retainable content, long ticket) {}

    private final List<Reading> reading = new ArrayList<>();

    /** The file at path (as the entry names it) is being read on a data thread. */
    void add(byte[] path, Content c, long ticket) {
        Retainable r = c.as(Retainable.class);
        SafePath p = clean(path);
        if (r != null && p != null) reading.add(new Reading(p, r, ticket));
    }

    /**
     * The files still being read that a hard link naming target (as the entry names it) must
     * wait for: the one it names, or every one when target does not parse (it cannot be told
     * apart). Forgets the files settled meanwhile.
     */
    List<Reading> dueBefore(byte[] target) {
        if (reading.isEmpty()) return List.of();
        reading.removeIf(r -> r.content().settled());
        if (reading.isEmpty()) return List.of();
        SafePath t = clean(target);
        if (t == null) return new ArrayList<>(reading);
        for (Reading r : reading) {
            if (Arrays.equals(t.bytes(), r.path().bytes())) return List.of(r);
        }
        return List.of();
    }

    private static SafePath clean(byte[] path) {
        try {
            return SafePath.parse(path);
        } catch (Refused r) {
            return null;
        }
    }
}
