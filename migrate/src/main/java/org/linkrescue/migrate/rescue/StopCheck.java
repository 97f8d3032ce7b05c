package org.linkrescue.migrate.rescue;

import org.linkrescue.migrate.stream.Stop;

/**
 * Looked at before each chunk of a long comparison (a copy against the drive, a candidate
 * against the bytes the drive gave): a large file's does not hold a stopping run. Throws
 * {@link Stop.Stopped} once the run is asked to stop; the comparison then gives no verdict.
 */
@FunctionalInterface
interface StopCheck {
    void check() throws Stop.Stopped;
}
