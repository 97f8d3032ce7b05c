package org.linkrescue.migrate.repair;

import java.util.List;
import org.linkrescue.migrate.stream.Content;

/** What a {@link GoodDataSource} found for one damaged inode. */
public sealed interface GoodData {
    /** Notes for the report, e.g. every candidate rejected and why. */
    List<String> notes();

    /**
     * The inode's full repaired bytes: its own readable ranges plus a verified copy's bytes for
     * the bad ones. The content's provenance must say no byte was lost; the repair checks it.
     *
     * @param source where the bad ranges came from, for the report ("mirror:DIR/path", ...)
     */
    record Available(Content content, String source, List<String> notes) implements GoodData {}

    /** No acceptable copy: the inode is left as it is. */
    record Unavailable(String reason, List<String> notes) implements GoodData {}
}
