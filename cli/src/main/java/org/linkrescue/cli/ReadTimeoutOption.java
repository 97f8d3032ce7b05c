package org.linkrescue.cli;

import java.time.Duration;
import org.linkrescue.migrate.rescue.RescueOptions;
import picocli.CommandLine.Option;

/**
 * --read-timeout, declared once for every command that reads a possibly failing drive (through
 * {@link ReadMixin}, and verify, which reads SOURCE). Unset keeps RescueOptions' default.
 */
final class ReadTimeoutOption {
    @Option(names = "--read-timeout", paramLabel = "SECONDS", description = "A read hanging longer is abandoned (default: 60).")
    Integer seconds;

    /** o with the timeout given on the command line; a wrong value throws IllegalArgumentException. */
    RescueOptions applyTo(RescueOptions o) {
        return seconds == null ? o : o.withReadTimeout(Duration.ofSeconds(seconds));
    }
}
