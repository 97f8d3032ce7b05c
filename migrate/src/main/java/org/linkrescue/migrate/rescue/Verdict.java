package org.linkrescue.migrate.rescue;

/**
 * What the verifier said of one candidate.
 *
 * @param reason why it was rejected ("size 1000 != 2000", "byte 4096 differs", ...), or for an
 *               accepted one a note ("" when it matched in every respect)
 */
public record Verdict(Candidate candidate, boolean accepted, String reason) {}
