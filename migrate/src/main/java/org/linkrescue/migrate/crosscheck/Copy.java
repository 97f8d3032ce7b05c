package org.linkrescue.migrate.crosscheck;

import org.linkrescue.migrate.rescue.Candidate;

/**
 * One alternate's copy of an inode that a cross-check compares: its candidate (found as the
 * rescue finds them) and a short name for reports, "mirror" or "original" (with a number when
 * several alternates of a kind are given).
 */
record Copy(Candidate candidate, String name) {}
