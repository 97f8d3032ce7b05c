package org.linkrescue.migrate.verify;

import org.linkrescue.archive.Names;

/**
 * One difference at one path.
 *
 * @param path   relative to the roots, raw bytes ("." for the root itself)
 * @param detail one line for humans: both sides' values, e.g. "mode 4755 in SOURCE, 0755 in TARGET"
 */
public record Difference(DiffKind kind, byte[] path, String detail) {
    @Override public String toString() { return kind.word() + " " + Names.display(path) + ": " + detail; }
}
