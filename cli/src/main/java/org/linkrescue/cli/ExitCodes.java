package org.linkrescue.cli;

import java.io.IOException;
import java.io.PrintStream;
import org.linkrescue.archive.LimitExceededException;
import org.linkrescue.archive.TarFormatException;
import org.linkrescue.migrate.pipeline.DirectMemory;
import org.linkrescue.migrate.report.Outcome;

/**
 * Every exit code, and the one mapping from outcomes and exceptions to them (README contract):
 * 0 everything came through; 3 finished, but something could not be saved; 1 fatal error;
 * 2 usage error. A user's error (missing source, bad archive, full target) is one line, never
 * a stack trace; only a bug in linkrescue itself prints one.
 */
final class ExitCodes {
    static final int OK = 0;
    static final int FATAL = 1;
    static final int USAGE = 2;
    static final int INCOMPLETE = 3;
    /** verify: the copy differs from its source. */
    static final int DIFFERENT = 4;
    /** Stopped by SIGINT (128 + 2) or SIGTERM (128 + 15), as a shell reports a process killed by them. */
    static final int SIGINT = 130, SIGTERM = 143;

    /** The lines every run command's help shares (picocli needs constants). */
    static final String HELP_OK = "  0  everything came through: every byte from SOURCE or a verified alternate",
            HELP_INCOMPLETE = "  3  finished, but something could not be saved: zero-filled bytes or paths left out,",
            HELP_INCOMPLETE_2 = "     all listed on stderr and in --report",
            HELP_FATAL = "  1  fatal: SOURCE unreadable, TARGET full or unwritable (one line; the run stops)",
            HELP_USAGE = "  2  usage error: a wrong option, or a path an option names that cannot be used";

    private ExitCodes() {}

    static int of(Outcome o) {
        return switch (o) {
            case COMPLETE -> OK;
            case INCOMPLETE -> INCOMPLETE;
            case FAILED -> FATAL;
            case INTERRUPTED -> FATAL; // a stopped run's own code (130, 143, 1) comes from Session.stopped
        };
    }

    /** Prints what went wrong and returns the exit code for it. */
    static int forException(Throwable t, PrintStream err) {
        String line = line(t);
        if (line != null) {
            err.println(line);
            return t instanceof UsageException ? USAGE : FATAL;
        }
        err.println("linkrescue: internal error (a bug in linkrescue; please report it with this trace):");
        t.printStackTrace(err);
        return FATAL;
    }

    /**
     * The one line ("linkrescue: ...") that says what stopped a run and what to do, for every
     * throwable that is the user's situation (a bad argument, a full target, a bad archive, out
     * of memory); null for a bug in linkrescue, which gets its trace.
     */
    static String line(Throwable t) {
        if (t instanceof UsageException u) return "linkrescue: " + u.getMessage();
        if (outOfMemory(t)) return outOfMemoryLine(t);
        if (t instanceof LimitExceededException l)
            return "linkrescue: archive refused: " + oneLine(t.getMessage()) + " ("
                    + ArchiveLimitsOptions.optionFor(l.limit()) + " raises the limit)";
        if (t instanceof TarFormatException) return "linkrescue: bad archive: " + oneLine(t.getMessage());
        if (t instanceof IOException || t instanceof UserError) return "linkrescue: " + oneLine(t.getMessage());
        return null;
    }

    /** t, or what it wraps, is the JVM running out of memory: the user's situation, not a bug. */
    static boolean outOfMemory(Throwable t) {
        for (int i = 0; t != null && i < 16; t = t.getCause(), i++) if (t instanceof OutOfMemoryError) return true;
        return false;
    }

    /** One line that says what to do; built from little, as the heap may be all but gone. */
    static String outOfMemoryLine() {
        return "linkrescue: out of memory (the JVM's heap is " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB): give it more with LINKRESCUE_JAVA_OPTS=-Xmx<size>";
    }

    /**
     * As {@link #outOfMemoryLine()}, for the error met: native memory for file data (direct
     * buffers) has a limit of its own, -XX:MaxDirectMemorySize, the heap's size unless set.
     */
    static String outOfMemoryLine(Throwable t) {
        for (int i = 0; t != null && i < 16; t = t.getCause(), i++) {
            String m = t instanceof OutOfMemoryError ? t.getMessage() : null;
            if (m != null && m.contains("direct buffer memory"))
                return "linkrescue: out of memory for file data (direct buffers: " + (DirectMemory.max() >> 20)
                        + " MiB): give the JVM more with LINKRESCUE_JAVA_OPTS=-Xmx<size> or -XX:MaxDirectMemorySize=<size>";
        }
        return outOfMemoryLine();
    }

    private static String oneLine(String s) {
        if (s == null) return "failed";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** A wrong or conflicting argument found after parsing (exit 2). */
    static final class UsageException extends RuntimeException {
        UsageException(String message) { super(message, null, false, false); }
    }

    /** A one-line fatal error that is the user's situation, not our bug (exit 1). */
    static final class UserError extends RuntimeException {
        UserError(String message) { super(message, null, false, false); }
    }
}
