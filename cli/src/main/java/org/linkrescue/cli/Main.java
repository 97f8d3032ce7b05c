package org.linkrescue.cli;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;
import java.util.function.Supplier;
import org.linkrescue.migrate.drive.TimedCalls;
import org.linkrescue.migrate.fs.Posix;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The root command: lists the commands and hands each run to its class. Tests call
 * {@link #run(PrintStream, PrintStream, String...)} in-process; {@link #main} adds the real
 * standard streams and exits with the code.
 */
@Command(name = "linkrescue", mixinStandardHelpOptions = true, versionProvider = Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {"Evacuate a hard-linked snapshot backup tree off a failing drive, every link intact.", ""},
        footer = {"", "Exit codes:",
                "  0  everything came through",
                "  3  finished, but something could not be saved (FAILED paths or zero-filled",
                "     bytes: listed on stderr and in --report)",
                "  4  verify: differences found",
                "  1  fatal error (source unreadable, target full or unwritable, bad archive)",
                "  2  usage error",
                "", "Run 'linkrescue COMMAND --help' for a command's options."})
public final class Main implements Callable<Integer> {
    static final String LATIN1 = "ISO-8859-1";

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        oneLineOnOutOfMemory(err);
        // Binding libc (the first Posix call) takes ~80 ms and building picocli's model ~40 ms:
        // on a second core they overlap instead of adding up.
        FutureTask<Console.Terminals> terminals = new FutureTask<>(Main::terminals);
        Thread init = new Thread(terminals, "linkrescue-init");
        init.setDaemon(true);
        init.start();
        Signals.install();
        Supplier<Console.Terminals> isTerminal = () -> {
            try {
                return terminals.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Console.Terminals.NONE;
            } catch (ExecutionException e) {
                return Console.Terminals.NONE;
            }
        };
        int code;
        try {
            code = run(new Console(System.in, out, err, isTerminal), args);
        } catch (OutOfMemoryError e) { // outside a command (picocli's own work): the same line
            err.println(ExitCodes.outOfMemoryLine(e));
            code = ExitCodes.FATAL;
        }
        out.flush();
        sayStuckReads(err);
        err.flush();
        System.exit(code);
    }

    /**
     * A thread of the run (a sink's writer, a data thread) that runs out of memory ends the
     * process with the one line every fatal error gets, never a stack trace, and never leaves
     * the others waiting for it. Other uncaught throwables are bugs: printed as the JVM would.
     */
    private static void oneLineOnOutOfMemory(PrintStream err) {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (ExitCodes.outOfMemory(e)) {
                err.println(ExitCodes.outOfMemoryLine(e));
                err.flush();
                Runtime.getRuntime().halt(ExitCodes.FATAL);
            }
            err.print("Exception in thread \"" + thread.getName() + "\" ");
            e.printStackTrace(err);
        });
    }

    /**
     * The run is over (target, report and summary done) but reads it gave up for hanging are
     * still held by the kernel: the process cannot end until the drive answers them, and no
     * signal ends it sooner. Said once, so nobody waits without knowing why.
     */
    static void sayStuckReads(PrintStream err) {
        int stuck = TimedCalls.stuckInKernel();
        if (stuck > 0)
            err.println("linkrescue: finished; the process ends once the drive answers " + stuck + " read"
                    + (stuck == 1 ? "" : "s") + " stuck in the kernel (given up for hanging; nothing more is read or written)");
    }

    /** In-process entry for tests: stdin is System.in, no progress line. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        return run(System.in, out, err, args);
    }

    public static int run(InputStream in, PrintStream out, PrintStream err, String... args) {
        return run(new Console(in, out, err, false), args);
    }

    static int run(Console console, String... args) {
        String enc = System.getProperty("sun.jnu.encoding");
        if (!LATIN1.equals(enc)) {
            console.err().println("linkrescue must run under the Latin-1 locale the ./linkrescue launcher sets up (got "
                    + enc + "): file names would not survive byte for byte");
            return ExitCodes.FATAL;
        }
        return commandLine(console, args).execute(args);
    }

    /** The commands in the order help lists them. */
    private static final Map<String, Function<Console, Object>> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("archive", ArchiveCommand::new);
        COMMANDS.put("extract", ExtractCommand::new);
        COMMANDS.put("migrate", MigrateCommand::new);
        COMMANDS.put("demo", DemoCommand::new);
        COMMANDS.put("repair", RepairCommand::new);
        COMMANDS.put("verify", VerifyCommand::new);
        COMMANDS.put("scan", ScanCommand::new);
        COMMANDS.put("man", ManCommand::new);
        COMMANDS.put("completion", CompletionCommand::new);
    }

    /** The whole command tree (help, the manual page and completion describe all of it). */
    static CommandLine commandLine(Console console) {
        return commandLine(console, COMMANDS.keySet());
    }

    /**
     * The command tree args need: only the command they name, when they name one that does
     * not describe the others. picocli builds each command's model by reflection, ~0.1 s of CPU
     * for all nine at every start, which the run of one command (a copy of a few seconds on a
     * tree of small files) paid for nothing.
     */
    static CommandLine commandLine(Console console, String... args) {
        String first = args.length == 0 ? "" : args[0];
        boolean alone = COMMANDS.containsKey(first) && !first.equals("man") && !first.equals("completion");
        return commandLine(console, alone ? Set.of(first) : COMMANDS.keySet());
    }

    private static CommandLine commandLine(Console console, Set<String> names) {
        CommandLine cl = new CommandLine(new Main());
        COMMANDS.forEach((name, command) -> {
            if (names.contains(name)) cl.addSubcommand(command.apply(console));
        });
        // Usage as users type it: -C TARGET, not -C=TARGET.
        cl.setSeparator(" ");
        // Command descriptions are written as lines of up to 100 columns; 80 would re-wrap them.
        cl.setUsageHelpWidth(100);
        cl.setOut(new PrintWriter(console.out(), true));
        cl.setErr(new PrintWriter(console.err(), true));
        cl.setParameterExceptionHandler(new UsageErrors());
        for (CommandLine sub : cl.getSubcommands().values()) {
            // Every command answers -V (mixinStandardHelpOptions lists it in each help).
            sub.getCommandSpec().versionProvider(new Version());
            // Summary, usage, description, arguments, options, examples, exit codes: each part apart.
            sub.getCommandSpec().usageMessage().descriptionHeading("%n").parameterListHeading("%nArguments:%n")
                    .optionListHeading("%nOptions:%n");
        }
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            console.err().flush();
            return ExitCodes.forException(ex, console.err());
        });
        return cl;
    }

    private static Console.Terminals terminals() {
        try {
            return new Console.Terminals(Posix.isatty(0), Posix.isatty(1), Posix.isatty(2));
        } catch (RuntimeException | Error e) {
            return Console.Terminals.NONE;
        }
    }
}
