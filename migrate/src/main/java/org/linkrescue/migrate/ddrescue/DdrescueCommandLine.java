package org.linkrescue.migrate.ddrescue;

import java.util.ArrayList;
import java.util.List;

/**
 * What a mapfile's "# Command line:" comment tells about the image: its name (ddrescue's second
 * operand) and whether ddrescue was told to write it displaced (-o, --output-position), in which
 * case image positions are not the mapfile's. Words are split at spaces, as ddrescue joined them.
 * A mapfile written by another program (ddrescuelog) tells nothing of the image.
 */
record DdrescueCommandLine(String outfile, boolean displaced) {
    /** ddrescue's short options that take a value (ddrescue --help, 1.27): the rest of the word or the next word. */
    private static final String WITH_VALUE = "abceFHiKmorsTxXZ";

    static DdrescueCommandLine parse(String commandLine) {
        if (commandLine == null) return new DdrescueCommandLine(null, false);
        String[] w = commandLine.trim().split("\\s+");
        // ddrescuelog --shift -i/-o writes a mapfile in the new positions: only ddrescue's own -o displaces
        if (!w[0].equals("ddrescue") && !w[0].endsWith("/ddrescue")) return new DdrescueCommandLine(null, false);
        List<String> operands = new ArrayList<>();
        boolean displaced = false, optionsEnd = false;
        for (int i = 1; i < w.length; i++) { // w[0] is the program
            String a = w[i];
            if (optionsEnd || !a.startsWith("-") || a.equals("-")) { operands.add(a); continue; }
            if (a.equals("--")) { optionsEnd = true; continue; }
            if (a.startsWith("--")) {
                if (a.startsWith("--output-position")) displaced = true;
                if (!a.contains("=") && takesValue(a)) i++;
                continue;
            }
            for (int k = 1; k < a.length(); k++) {
                char c = a.charAt(k);
                if (c == 'o') displaced = true;
                if (WITH_VALUE.indexOf(c) >= 0) {
                    if (k == a.length() - 1) i++; // the value is the next word
                    break;
                }
            }
        }
        return new DdrescueCommandLine(operands.size() >= 2 ? operands.get(1) : null, displaced);
    }

    /** Long options given their value as the next word (--size 1MiB). */
    private static boolean takesValue(String opt) {
        for (String o : new String[] {"--min-read-rate", "--sector-size", "--cluster-size", "--max-bad-areas",
                "--max-error-rate", "--fill-mode", "--test-mode", "--input-position", "--skip-size", "--domain-mapfile",
                "--output-position", "--retry-passes", "--size", "--timeout", "--extend-outfile", "--max-read-errors",
                "--max-read-rate", "--cpass", "--delay-slow", "--log-events", "--log-rates", "--log-reads",
                "--mapfile-interval", "--max-slow-reads", "--pause-on-error", "--pause-on-pass"}) {
            if (opt.equals(o)) return true;
        }
        return false;
    }
}
