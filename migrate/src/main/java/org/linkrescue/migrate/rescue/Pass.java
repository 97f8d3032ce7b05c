package org.linkrescue.migrate.rescue;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The passes of a rescue, in the order they run (GNU ddrescue's phases, plus the splice only
 * linkrescue can do): good data first, bad areas last.
 */
public enum Pass {
    /** Every inode in large reads; a failed read is skipped past, never scraped here. */
    COPY(1, "copy"),
    /** After the whole tree: the skipped ranges read, their edges trimmed, their middles scraped, block by block. */
    SCRAPE(2, "scrape"),
    /** --retries more reads of each bad block alone. */
    RETRY(3, "retry"),
    /** Candidates through every path of each damaged inode; the accepted bytes written into its bad ranges. */
    SPLICE(4, "splice");

    public final int number;
    /** The word --passes takes. */
    public final String word;

    Pass(int number, String word) {
        this.number = number;
        this.word = word;
    }

    /** Every pass: a whole rescue. */
    public static final Set<Pass> ALL = EnumSet.allOf(Pass.class);

    /**
     * The passes a --passes value names ("copy", "copy,splice", "all"); copy always runs.
     *
     * @throws IllegalArgumentException an unknown word, or a list without copy
     */
    public static Set<Pass> parse(String list) {
        EnumSet<Pass> out = EnumSet.noneOf(Pass.class);
        for (String w : list.split(",", -1)) {
            String word = w.trim().toLowerCase(Locale.ROOT);
            if (word.equals("all")) {
                out.addAll(ALL);
                continue;
            }
            Pass found = null;
            for (Pass p : values()) if (p.word.equals(word)) found = p;
            if (found == null)
                throw new IllegalArgumentException("--passes: unknown pass '" + w + "' (copy, scrape, retry, splice, or all)");
            out.add(found);
        }
        if (!out.contains(COPY)) throw new IllegalArgumentException("--passes: '" + list + "' leaves out copy, the pass that reads the tree");
        return out;
    }
}
