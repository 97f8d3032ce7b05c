package org.linkrescue.migrate.pipeline;

import org.linkrescue.migrate.fs.Stat;

/**
 * The numbers of the entry stream as the scan hands entries on, and what is told by number: the
 * link table's changes ({@link Evacuation.LinkListener}) and where a fill from the alternates
 * begins and ends ({@link Evacuation.FillListener}). Every producer of entries counts here (the
 * scan's own paths, and {@link Refill}'s copies of what the drive could not read): an entry left
 * uncounted would shift every later number, and a rescue map would then take a link for
 * finished before the entry that carries it is.
 */
final class StreamNumbers {
    /** The number the next entry gets (a resumed run counts on from where its map stopped). */
    private long next;
    private Evacuation.LinkListener links;
    private Evacuation.FillListener fills;

    void resume(long entries) { next = entries; }

    void onLinkEvents(Evacuation.LinkListener l) { links = l; }

    void onFills(Evacuation.FillListener l) { fills = l; }

    /** One more entry was handed on. */
    void handedOn() { next++; }

    /** A change to the link table, told with the number of the entry it comes with (the next one). */
    void link(Evacuation.LinkChange kind, Stat st, byte[] path) {
        if (links != null) links.linkEvent(next, kind, st.devId(), st.ino(), st.nlink(), path);
    }

    /** A fill from the alternates begins with the next entry. */
    void fillStarts() {
        if (fills != null) fills.fillStarts(next);
    }

    /** The fill under way ended before the next entry. */
    void fillEnds() {
        if (fills != null) fills.fillEnds(next);
    }
}
