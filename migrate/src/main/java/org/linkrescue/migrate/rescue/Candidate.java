package org.linkrescue.migrate.rescue;

import org.linkrescue.archive.Names;

/**
 * One file that may hold the good bytes of a damaged inode: relPath below an alternate's
 * directory.
 */
public record Candidate(Alternate alternate, byte[] relPath) {
    /**
     * "mirror:DIR/rel/path" or "original:DIR/rel/path", as raw bytes carried in a Latin-1 String
     * (one char per byte, see {@link Names#latin1}) so provenance keeps odd names exactly.
     */
    public String origin() {
        return alternate.kind().word() + ":" + Names.latin1(Names.join(alternate.dir(), relPath));
    }

    @Override public String toString() { return Names.display(Names.bytes(origin())); }
}
