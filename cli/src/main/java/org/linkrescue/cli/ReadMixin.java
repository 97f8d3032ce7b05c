package org.linkrescue.cli;

import org.linkrescue.migrate.rescue.RescueOptions;
import picocli.CommandLine.Mixin;
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

    @Mixin ReadTimeoutOption readTimeout = new ReadTimeoutOption();

    /** o with the options given on the command line; a wrong value throws IllegalArgumentException. */
    RescueOptions applyTo(RescueOptions o) {
        if (blockSize != null) o = o.withBlockSize(blockSize);
        if (retries != null) o = o.withRetries(retries);
        return readTimeout.applyTo(o);
    }
}
