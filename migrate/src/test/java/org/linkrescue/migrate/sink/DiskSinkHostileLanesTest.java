package org.linkrescue.migrate.sink;

/** {@link DiskSinkHostileTest} with the entries made by two lanes at once. */
class DiskSinkHostileLanesTest extends DiskSinkHostileTest {
    @Override int lanes() { return 2; }
}
