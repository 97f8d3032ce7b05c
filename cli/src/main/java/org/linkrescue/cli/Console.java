package org.linkrescue.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.function.BooleanSupplier;

/**
 * The streams a command talks through. out may carry an archive ({@code -f -}); then nothing
 * else goes there. terminal says whether err is a terminal a progress line may redraw; it is
 * asked late, so {@link Main#main} can find it out (binding libc on the way) while picocli
 * builds its model.
 */
record Console(InputStream in, PrintStream out, PrintStream err, BooleanSupplier isTerminal) {
    Console(InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        this(in, out, err, () -> terminal);
    }

    boolean terminal() { return isTerminal.getAsBoolean(); }
}
