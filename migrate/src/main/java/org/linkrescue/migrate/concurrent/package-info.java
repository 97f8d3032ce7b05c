/**
 * Hand-offs between the pipeline's threads that cost no system call in the common case: a
 * snapshot tree streams hundreds of thousands of tiny entries, and a wake-up per entry (a futex
 * call and a context switch on each side) was a measurable share of a run on two cores.
 * Does not guarantee latency: an element may wait one short park period before it is seen.
 */
package org.linkrescue.migrate.concurrent;
