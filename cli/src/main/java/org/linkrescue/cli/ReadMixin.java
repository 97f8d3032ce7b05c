package org.linkrescue.cli;

import java.time.Duration;
import org.linkrescue.migrate.rescue.RescueOptions;
import picocli.CommandLine.Option;

/**
 * How a failing drive is read: the options every reading command shares (archive, migrate,
 * scan --read-test, repair). Unset options keep RescueOptions' defaults, where their reasons are.
 */
final class ReadMixin {
    @Option(names = "--block-size", paramLabel = "BYTES", description = "Unit a failed read is retried and lost in (default: 4096).")
    Integer blockSize;

    @Option(names = "--retries", paramLabel = "N", description = "Retries of each failing block (default: 1).")
    Integer retries;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", description = "A read hanging longer is abandoned (default: 60).")
    Integer readTimeout;

    /** o with the options given on the command line; a wrong value throws IllegalArgumentException. */
    RescueOptions applyTo(RescueOptions o) {
        if (blockSize != null) o = o.withBlockSize(blockSize);
        if (retries != null) o = o.withRetries(retries);
        if (readTimeout != null) o = o.withReadTimeout(Duration.ofSeconds(readTimeout));
        return o;
    }
}
