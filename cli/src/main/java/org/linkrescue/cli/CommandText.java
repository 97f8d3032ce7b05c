package org.linkrescue.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A command line as a user can paste it back into a shell: "linkrescue" and the arguments as
 * given, each single-quoted when it holds anything a shell would take apart. What a stopped run
 * prints to resume it (the same arguments and --resume), and what its rescue map records.
 */
final class CommandText {
    private CommandText() {}

    static String of(List<String> args) {
        StringBuilder sb = new StringBuilder("linkrescue");
        for (String a : args) sb.append(' ').append(quoted(a));
        return sb.toString();
    }

    /**
     * The same command with --resume (once), every pass of the rescue in it: --passes goes, so
     * the run that resumes finishes the rescue, a first fast `--passes copy` included (a user who
     * wants fewer passes adds it back).
     */
    static String resume(List<String> args) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--passes")) {
                i++; // and its value
                continue;
            }
            if (!a.startsWith("--passes=")) kept.add(a);
        }
        return kept.contains("--resume") ? of(kept) : of(kept) + " --resume";
    }

    /** args without option and its value (given as "--option VALUE" or "--option=VALUE"). */
    static List<String> without(List<String> args, String option) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals(option)) i++;
            else if (!a.startsWith(option + "=")) out.add(a);
        }
        return out;
    }

    static String quoted(String a) {
        if (!a.isEmpty() && a.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c) || "-_./=:,+@%".indexOf(c) >= 0))) return a;
        return "'" + a.replace("'", "'\\''") + "'";
    }
}
