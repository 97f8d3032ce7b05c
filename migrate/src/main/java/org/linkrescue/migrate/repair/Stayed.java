package org.linkrescue.migrate.repair;

/** A path left on the old inode, and why (its data is as it was: nothing is lost). */
public record Stayed(byte[] path, String reason) {}
