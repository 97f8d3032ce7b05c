package org.linkrescue.migrate.rescue;

import org.linkrescue.archive.Names;

/**
 * One file that may hold the good bytes of a damaged inode: relPath below an alternate's
 * directory.
 */
public record Candidate(Alternate alternate, byte[] relPath) {
    /**
     * "mirror:DIR/rel/path" or "original:DIR/rel/path", the path in {@link Names#display} form:
     * readable, free of newlines, and reversible (odd bytes as \xNN, a backslash as \\), so it
     * can go into a PAX record and a report line as it is.
     */
    public String origin() {
        return alternate.kind().word() + ":" + Names.display(Names.join(alternate.dir(), relPath));
    }

    @Override public String toString() { return origin(); }
}
