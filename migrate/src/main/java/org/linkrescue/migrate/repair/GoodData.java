package org.linkrescue.migrate.repair;

import java.util.List;
import org.linkrescue.migrate.stream.Content;

/** What a {@link GoodDataSource} found for one damaged inode. */
public sealed interface GoodData {
    /** Notes for the report, e.g. every candidate rejected and why; complete once consumed. */
    List<String> notes();

    /**
     * The inode's bytes: its own readable ranges plus a verified copy's bytes for the bad ones.
     * Whether a copy fits may only be known once the content has been consumed (the rescue
     * reader decides while reading): its provenance then says whether any byte was lost, and
     * the repair never puts a content with lost bytes in place of the old inode.
     */
    non-sealed interface Available extends GoodData {
        Content content();

        /** Where the bad ranges' bytes came from ("mirror:DIR/path", ...); valid once consumed. */
        String source();
    }

    /** Good data known in advance (tests, and callers that checked already). */
    record Ready(Content content, String source, List<String> notes) implements Available {}

    /** No acceptable copy: the inode is left as it is. */
    record Unavailable(String reason, List<String> notes) implements GoodData {}
}
