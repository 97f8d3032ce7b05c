package org.linkrescue.migrate.stream;

/**
 * A content ability ({@link Content#as}): it reads a failing drive in passes, so damage met while
 * it is consumed may be left for later (its provenance then says {@link Provenance#pending}, and
 * the sink gets the final bytes through {@link PendingFiles}). A sink that cannot take bytes
 * after the entry (a tar stream whose header is already written) asks for the damage to be
 * settled on the spot instead, before it consumes anything.
 */
public interface Deferrable {
    /** Settle any damage met while this content is consumed before the consumption ends. */
    void settleNow();
}
