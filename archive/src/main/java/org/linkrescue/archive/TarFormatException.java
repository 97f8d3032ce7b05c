package org.linkrescue.archive;

import java.io.IOException;

/**
 * The archive is not a well-formed tar stream at a known place: a bad header checksum, a
 * truncated header or data, a malformed number or pax record. The reader cannot go on after
 * this; the message names the byte offset so a human can look at the damage.
 */
public class TarFormatException extends IOException {
    public TarFormatException(String message) { super(message); }
}
