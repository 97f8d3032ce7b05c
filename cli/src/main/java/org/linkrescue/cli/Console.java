package org.linkrescue.cli;

import java.io.InputStream;
import java.io.PrintStream;

/**
 * The streams a command talks through. out may carry an archive ({@code -f -}); then nothing
 * else goes there. terminal says whether err is a terminal a progress line may redraw.
 */
record Console(InputStream in, PrintStream out, PrintStream err, boolean terminal) {}
