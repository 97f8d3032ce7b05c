package org.linkrescue.migrate.drive;

import java.io.IOException;
import java.time.Duration;

/** A call that did not return in time; the array it was reading into must not be reused. */
public final class ReadTimeoutException extends IOException {
    private final long offset;

    public ReadTimeoutException(String what, long offset, Duration timeout) {
        super(what + " did not return within " + timeout.toMillis() / 1000.0 + " s");
        this.offset = offset;
    }

    public long offset() { return offset; }
}
