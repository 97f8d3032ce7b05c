package org.linkrescue.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * A command line picocli cannot parse: one line saying what is wrong, the nearest right word
 * when there is one (a mistyped command or option), and where help is. Exit 2.
 */
final class UsageErrors implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("linkrescue: " + message(ex));
        String command = cl.getParent() == null ? "" : cl.getCommandName() + " ";
        err.println("Try 'linkrescue " + command + "--help'.");
        err.flush();
        return ExitCodes.USAGE;
    }

    static String message(ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException u)) return ex.getMessage();
        List<String> unmatched = u.getUnmatched();
        List<String> suggestions = u.getSuggestions();
        String first = unmatched.isEmpty() ? "" : unmatched.get(0);
        // picocli orders its suggestions nearest first; one is a hint, three are a quiz.
        String hint = suggestions.isEmpty() ? "" : "; did you mean '" + suggestions.get(0) + "'?";
        if (u.isUnknownOption()) {
            // With an unknown option the arguments after it shift (its value is taken for a
            // positional parameter): only the option itself is the mistake worth naming.
            String option = unmatched.stream().filter(a -> a.startsWith("-")).findFirst().orElse(first);
            return "unknown option '" + option + "'" + hint;
        }
        if (u.getCommandLine().getParent() == null && !u.getCommandLine().getSubcommands().isEmpty())
            return "unknown command '" + first + "'" + hint;
        return "unexpected argument" + (unmatched.size() == 1 ? " '" : "s '") + String.join("', '", unmatched) + "'" + hint;
    }
}
