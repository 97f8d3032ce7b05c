/**
 * Hand-offs between the pipeline's threads that cost no system call in the common case: a
 * snapshot tree streams hundreds of thousands of tiny entries, and a wake-up per entry (a futex
 * call and a context switch on each side) was a measurable share of a run on two cores.
 * Every wait ends by a signal: a thread with nothing to do parks without a timeout, so a stalled
 * drive costs no wake-ups. Does not guarantee latency: a few elements may linger a short while
 * (a millisecond in the pipeline) before a sleeping consumer is woken for them.
 */
package org.linkrescue.migrate.concurrent;
