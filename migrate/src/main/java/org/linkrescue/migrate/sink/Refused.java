package org.linkrescue.migrate.sink;

/**
 * An entry the disk sink will not make, with the one-line reason. Thrown inside the sink and
 * turned into a FAILED report at its edge; cheap (no stack trace) because hostile archives may
 * hold millions of refused entries.
 */
final class Refused extends Exception {
    Refused(String reason) {
        super(reason, null, false, false);
    }

    String reason() { return getMessage(); }
}
