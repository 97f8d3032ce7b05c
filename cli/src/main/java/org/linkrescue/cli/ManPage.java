package org.linkrescue.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.ArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * linkrescue(1) in man(7) roff, written from the same command model the --help screens come from,
 * so the page cannot drift from the commands: NAME, SYNOPSIS, DESCRIPTION, one subsection per
 * command (summary, usage, description, arguments, options, examples, exit codes), EXIT STATUS.
 * Prose is left to roff to fill; examples and exit-code tables are kept as written (.nf).
 * picocli's own generator writes AsciiDoc, which needs asciidoctor (a Ruby toolchain) to
 * become a man page: a page this small is simpler to write directly.
 */
final class ManPage {
    private final PrintWriter out;

    ManPage(PrintWriter out) { this.out = out; }

    void write(CommandLine root, String version) {
        CommandSpec spec = root.getCommandSpec();
        line(".TH LINKRESCUE 1 \"\" \"linkrescue " + text(version) + "\" \"User Commands\"");
        line(".SH NAME");
        line("linkrescue \\- " + text(joined(spec.usageMessage().description())));
        line(".SH SYNOPSIS");
        line(".B linkrescue");
        line(".I COMMAND");
        line("[\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]");
        line(".br");
        line(".B linkrescue");
        line("[\\fB\\-h\\fR|\\fB\\-V\\fR]");
        line(".SH DESCRIPTION");
        line("Every command takes \\fB\\-\\-help\\fR and \\fB\\-V\\fR; the commands:");
        for (CommandLine sub : root.getSubcommands().values()) {
            line(".TP");
            line("\\fB" + text(sub.getCommandName()) + "\\fR");
            line(text(joined(sub.getCommandSpec().usageMessage().header())));
        }
        line(".SH COMMANDS");
        for (CommandLine sub : root.getSubcommands().values()) command(sub.getCommandSpec());
        line(".SH EXIT STATUS");
        preformatted(footerAfter(spec.usageMessage().footer(), "Exit codes:"));
        line(".SH SEE ALSO");
        line(".BR tar (1),");
        line(".BR rsync (1),");
        line(".BR ddrescue (1)");
        out.flush();
    }

    private void command(CommandSpec c) {
        line(".SS \"" + text("linkrescue " + c.name()) + "\"");
        line(text(joined(c.usageMessage().header())));
        line(".PP");
        String[] synopsis = c.usageMessage().customSynopsis();
        preformatted(synopsis.length > 0 ? List.of(synopsis) : List.of(c.commandLine().getHelp().synopsis(0).strip()));
        line(".PP");
        line(text(joined(c.usageMessage().description())));
        for (PositionalParamSpec p : c.positionalParameters()) {
            if (p.hidden()) continue;
            line(".TP");
            line("\\fI" + text(p.paramLabel()) + "\\fR");
            line(text(description(p)));
        }
        for (OptionSpec o : c.options()) {
            if (o.hidden()) continue;
            line(".TP");
            StringBuilder names = new StringBuilder();
            for (String n : o.names()) names.append(names.length() == 0 ? "" : ", ").append("\\fB").append(text(n)).append("\\fR");
            if (o.arity().max() > 0) names.append(" \\fI").append(text(o.paramLabel())).append("\\fR");
            line(names.toString());
            line(text(description(o)));
        }
        String[] footer = c.usageMessage().footer();
        List<String> examples = between(footer, "Examples:", "Exit codes:");
        if (!examples.isEmpty()) {
            line(".PP");
            line("Examples:");
            preformatted(examples);
        }
        List<String> codes = footerAfter(footer, "Exit codes:");
        if (!codes.isEmpty()) {
            line(".PP");
            line("Exit codes:");
            preformatted(codes);
        }
    }

    private static String description(ArgSpec a) {
        String d = joined(a.description());
        String dflt = a.defaultValue();
        return dflt == null ? d : d.replace("${DEFAULT-VALUE}", dflt);
    }

    /** The footer's lines after heading, up to the blank line that ends the table. */
    private static List<String> footerAfter(String[] footer, String heading) {
        return between(footer, heading, null);
    }

    private static List<String> between(String[] footer, String from, String to) {
        List<String> l = List.of(footer);
        int start = l.indexOf(from);
        if (start < 0) return List.of();
        int end = start + 1;
        while (end < l.size() && (to == null ? !l.get(end).isBlank() : !l.get(end).equals(to))) end++;
        List<String> part = new ArrayList<>(l.subList(start + 1, end));
        while (!part.isEmpty() && part.get(part.size() - 1).isBlank()) part.remove(part.size() - 1);
        return part;
    }

    private void preformatted(List<String> lines) {
        line(".nf");
        line(".RS 4");
        for (String l : lines) line(text(l.startsWith("  ") ? l.substring(2) : l)); // the help's indent: .RS gives it
        line(".RE");
        line(".fi");
    }

    /** The lines of a picocli text as one paragraph: roff fills it to the reader's width. */
    private static String joined(String[] lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            if (l.isBlank()) continue;
            if (sb.length() > 0) sb.append(' ');
            sb.append(l.strip());
        }
        return sb.toString().replace("%n", " ");
    }

    /**
     * Text as roff reads it literally: backslashes escaped, a hyphen as \- (a minus, so
     * options can be copied and searched), and no line starting with a control character.
     */
    static String text(String s) {
        String t = s.replace("\\", "\\e").replace("-", "\\-");
        if (t.startsWith(".") || t.startsWith("'")) t = "\\&" + t;
        return t;
    }

    private void line(String s) {
        out.print(s);
        out.print('\n');
    }
}
