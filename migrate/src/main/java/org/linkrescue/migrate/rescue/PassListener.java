package org.linkrescue.migrate.rescue;

/**
 * What a rescue in passes tells whoever keeps its state between runs (the rescue map): the pass
 * under way, and a damaged inode's range states each time a pass has changed them (in pass 1
 * once, when the stream leaves it pending; once more when the stream has ended, with every
 * path it met; in each later pass after its reads of the inode). What is told is what a run
 * needs to go on from there: {@link PendingInode#encode}, given back to a later run through
 * {@link RescueContentSource#resumePending}.
 * Pass 1's calls come from the threads that read the stream, the later passes' from the one
 * that runs them: an implementation is thread-safe. {@link PendingInode#states()} is read at
 * the call, not kept.
 */
public interface PassListener {
    PassListener NONE = new PassListener() {};

    /** The pass that begins now (COPY is under way from the start and not announced). */
    default void pass(Pass pass) {}

    /** p's range states as they stand now. */
    default void states(PendingInode p) {}

    /**
     * p has one more path (a later hard link the stream met): a stop from here on must keep it,
     * or the report of the run that settles p would not name it. Called on the sink's thread.
     */
    default void pathAdded(PendingInode p) {}

    /**
     * p is about to be recorded as it stands although passes left out of this run's plan could
     * still read or splice some of its ranges: a later run with those passes may settle it (the
     * rescue map keeps it open for --resume). Called before p's record and problem line.
     */
    default void leftOpen(PendingInode p) {}

    /**
     * The later passes go on: called on their thread before each read of the drive, before each
     * chunk of a candidate's comparison and after each inode is settled, so that a checkpoint due
     * now can be written there (nothing else writes them once the stream has ended) and a kill
     * loses at most the work since the last one, not a whole pass.
     */
    default void progress() {}

    /** Every pass of the plan has run and every pending inode is settled and reported. */
    default void finished() {}
}
