package org.linkrescue.migrate.map;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Entry;
import org.linkrescue.migrate.report.ProblemLog;
import org.linkrescue.migrate.rescue.DamagedInodeRecord;
import org.linkrescue.migrate.rescue.RescueReport;
import org.linkrescue.migrate.stream.Alternates;
import org.linkrescue.migrate.stream.Provenance;

/**
 * What a rescue map says as of its last whole checkpoint: how far the entry stream got (the
 * first {@link #entries()} entries are complete and on disk), and everything a resumed run
 * needs to go on as if it had never stopped: the directories whose metadata is still due, the
 * inodes whose later links are still to come, the inodes this rescue made in TARGET, the damage
 * found, the problems met, the totals. Built by {@link MapRecords#replay}; read-only after.
 */
public final class MapState {
    /** Totals of the entries done (the report's "totals"). */
    public record Totals(long paths, long files, long hardLinks, long dirs, long symlinks, long specials,
                         long bytes, long inodesRead, long damagedInodes, long elapsedMillis) {
        public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** The rescue report's totals of the entries done. */
    public record RescueTotals(long inodesRead, long bytesRead, long abandonedReads) {
        public static final RescueTotals ZERO = new RescueTotals(0, 0, 0);
    }

    /**
     * Where an archive output stood at the checkpoint.
     *
     * @param offset   bytes of the file to keep (the rest is cut off on resume)
     * @param tarBytes bytes of tar stream (uncompressed) they hold
     */
    public record OutputMark(long offset, long tarBytes) {}

    /** A directory made only because an entry below it needed one (no entry of its own). */
    public record ImplicitDir(byte[] path, int depth) {}

    /**
     * An inode of SOURCE with links still to come: its first path (null when it could not be
     * read: its later paths are reported, not linked) and how many links at most remain.
     */
    public record OpenInode(long dev, long ino, int remaining, byte[] firstPath) {}

    /** A link target that reached the target's link limit and the path of its separate copy. */
    public record Copy(byte[] named, byte[] copy) {}

    /** An entry an archive marked as damaged or spliced (extract's markedEntries). */
    public record Mark(byte[] path, Provenance provenance) {}

    /**
     * Ranges of one inode of SOURCE and how far each got, in ddrescue's status characters:
     * '?' not tried, '*' failed and not trimmed, '/' failed and not scraped, '-' bad (given
     * up), '+' read or filled. Contiguous, non-overlapping, covering [0, size).
     */
    public record InodeBlocks(long dev, long ino, long size, List<Block> blocks) {
        public record Block(long offset, long length, char status) {}
    }

    MapHeader header;
    long entries;
    byte[] last;
    char phase = '?';
    int pass = 1;
    Totals totals = Totals.ZERO;
    RescueTotals rescue = RescueTotals.ZERO;
    final Map<String, OutputMark> outputs = new LinkedHashMap<>();
    final List<Entry> dirs = new ArrayList<>();
    final List<ImplicitDir> implicitDirs = new ArrayList<>();
    final Map<InodeKey, OpenInode> openInodes = new LinkedHashMap<>();
    final MadeInodes made = new MadeInodes();
    final List<Copy> copies = new ArrayList<>();
    final Map<InodeKey, MapRecords.DamagedBuilder> damagedBuilders = new LinkedHashMap<>();
    final Map<InodeKey, InodeBlocks> blocks = new LinkedHashMap<>();
    final Map<InodeKey, RescueReport.Unverifiable> unverifiable = new LinkedHashMap<>();
    final Map<InodeStateKey, InodeState> inodeStates = new LinkedHashMap<>();
    /** By the path's field in the map (one spelling per path). */
    final Map<String, Alternates.Unreadable> unreadable = new LinkedHashMap<>();
    final List<ProblemLog.Problem> problems = new ArrayList<>();
    final List<Mark> marks = new ArrayList<>();
    long checkpoints;
    /** Bytes of the file up to the end of its last whole group. */
    long validBytes;

    record InodeKey(long dev, long ino) {}

    record InodeStateKey(long dev, long ino, String owner) {}

    /**
     * What a later part of the rescue (issue 16's passes) keeps of one inode of SOURCE between
     * runs, as bytes only it reads: the last value recorded for an inode and owner wins. owner: a
     * word ([a-z0-9-]), so parts of the rescue keep states of their own side by side.
     */
    public record InodeState(long dev, long ino, String owner, byte[] value) {
        public InodeState {
            if (!owner.matches("[a-z0-9-]+")) throw new IllegalArgumentException("inode state owner '" + owner + "'");
            value = value.clone();
        }
    }

    MapState() {}

    public MapHeader header() { return header; }

    /** Entries of the stream complete and on disk: a resumed run starts with entry number entries(). */
    public long entries() { return entries; }

    /** The path of the last complete entry (entries() - 1), or null when none is. */
    public byte[] last() { return last; }

    /** The phase of the rescue ('?' copying; issue 16's passes add '*', '/', '-'; '+' finished). */
    public char phase() { return phase; }

    public int pass() { return pass; }

    public Totals totals() { return totals; }

    public RescueTotals rescue() { return rescue; }

    /** The mark of the archive output named (archive, archive-copy), or null. */
    public OutputMark output(String name) { return outputs.get(name); }

    public List<Entry> dirs() { return dirs; }

    public List<ImplicitDir> implicitDirs() { return implicitDirs; }

    public List<OpenInode> openInodes() { return new ArrayList<>(openInodes.values()); }

    public MadeInodes made() { return made; }

    public List<Copy> copies() { return copies; }

    /** Every damaged inode found so far, in the order they were found, each once. */
    public List<DamagedInodeRecord> damaged() {
        List<DamagedInodeRecord> out = new ArrayList<>();
        for (var e : damagedBuilders.entrySet()) out.add(e.getValue().build(blocks.get(e.getKey())));
        return out;
    }

    public List<InodeBlocks> blocks() { return new ArrayList<>(blocks.values()); }

    /** Inodes copied as read whose bytes nothing could vouch for, each once. */
    public List<RescueReport.Unverifiable> unverifiable() { return new ArrayList<>(unverifiable.values()); }

    /** Directories the drive could not list and names it could not lstat, with what was made of each, in walk order, each once. */
    public List<Alternates.Unreadable> unreadable() { return new ArrayList<>(unreadable.values()); }

    public List<ProblemLog.Problem> problems() { return problems; }

    /** Every inode state recorded (the last per inode and owner), in the order first recorded. */
    public List<InodeState> inodeStates() { return new ArrayList<>(inodeStates.values()); }

    /** The state owner recorded for an inode, or null. */
    public InodeState inodeState(long dev, long ino, String owner) { return inodeStates.get(new InodeStateKey(dev, ino, owner)); }

    public List<Mark> marks() { return marks; }

    /** Checkpoints replayed (1: only the one written when the map was made). */
    public long checkpoints() { return checkpoints; }
}
