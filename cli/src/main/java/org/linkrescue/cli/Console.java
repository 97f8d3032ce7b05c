package org.linkrescue.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * The streams a command talks through. out may carry an archive ({@code -f -}); then nothing
 * else goes there. Which of the three standard descriptors are terminals is asked late, so
 * {@link Main#main} can find it out (binding libc on the way) while picocli builds its model:
 * stderr's decides whether a progress line may be drawn; stdin's and stdout's, whether archive
 * data may be read or written there.
 */
record Console(InputStream in, PrintStream out, PrintStream err, Supplier<Terminals> terminals) {
    /** Which of stdin, stdout and stderr are terminals. */
    record Terminals(boolean in, boolean out, boolean err) {
        static final Terminals NONE = new Terminals(false, false, false);
    }

    Console(InputStream in, PrintStream out, PrintStream err, boolean terminal) {
        this(in, out, err, () -> new Terminals(false, false, terminal));
    }

    /** Whether stderr is a terminal a progress line may redraw. */
    boolean terminal() { return terminals.get().err(); }

    boolean stdinIsTerminal() { return terminals.get().in(); }

    boolean stdoutIsTerminal() { return terminals.get().out(); }
}
