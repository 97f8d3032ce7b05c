package org.linkrescue.migrate.map;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.linkrescue.archive.Names;

/**
 * What a rescue map is of: the command, when the rescue started, and every option that shapes
 * what it writes, in order (SOURCE and TARGET among them). A resume must be given the same
 * ones: {@link #mismatch} names the first that differs.
 *
 * @param command       migrate, archive or extract
 * @param startedSec    when the rescue's first run started (wall clock; a resumed run keeps it):
 *                      what a resumed extract tells its own objects in TARGET from older ones by
 * @param options       (name, value) pairs; a name may repeat (--alternate)
 * @param commandLine   the command line of the first run, for the user (a comment in the file)
 * @param resumeCommand the command that resumes it, for the user (a comment in the file)
 */
public record MapHeader(String command, long startedSec, int startedNsec, List<Option> options,
                        String commandLine, String resumeCommand) {
    /** The map format's version: a reader refuses any other. */
    public static final int VERSION = 1;

    /** One option as the map records it; value is a Latin-1 String (one char per byte). */
    public record Option(String name, String value) {}

    public MapHeader {
        options = List.copyOf(options);
        Objects.requireNonNull(command);
    }

    /** A header for a run starting now. */
    public static MapHeader startingNow(String command, List<Option> options, String commandLine, String resumeCommand) {
        Instant now = Instant.now();
        return new MapHeader(command, now.getEpochSecond(), now.getNano(), options, commandLine, resumeCommand);
    }

    /** Options are built in order by the command; this adds one. */
    public static List<Option> options(String... nameValuePairs) {
        List<Option> out = new ArrayList<>();
        for (int i = 0; i + 1 < nameValuePairs.length; i += 2) out.add(new Option(nameValuePairs[i], nameValuePairs[i + 1]));
        return out;
    }

    /**
     * Why a run with header now may not resume this map (one line), or null when it may: the
     * same command and the same options in the same order.
     */
    public String mismatch(MapHeader now) {
        if (!command.equals(now.command)) {
            return "the rescue map is of a '" + command + "' run, not of '" + now.command + "'";
        }
        int n = Math.max(options.size(), now.options.size());
        for (int i = 0; i < n; i++) {
            Option was = i < options.size() ? options.get(i) : null;
            Option is = i < now.options.size() ? now.options.get(i) : null;
            if (Objects.equals(was, is)) continue;
            if (was == null) return "this run adds " + shown(is) + ", which the stopped run did not have";
            if (is == null) return "the stopped run had " + shown(was) + ", which this run lacks";
            if (!was.name().equals(is.name())) return "the stopped run had " + shown(was) + " where this run has " + shown(is);
            return "the stopped run had " + shown(was) + ", this run " + shown(is);
        }
        return null;
    }

    private static String shown(Option o) {
        return "--" + o.name() + " " + Names.display(Names.bytes(o.value()));
    }
}
