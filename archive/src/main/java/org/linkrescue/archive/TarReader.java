package org.linkrescue.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a tar stream entry by entry: {@link #next()} gives the next entry's metadata,
 * {@code read} its data. POSIX pax (local 'x' and global 'g' records), GNU ('L'/'K' long
 * names, base-256 numbers), ustar and v7 headers. Our own late records (a 'g' header about the
 * entry before it, see {@link LateRecords}) go to {@link #onLateRecords}.
 *
 * <p>Why not commons-compress's TarArchiveInputStream: it parses pax records as UTF-8 text
 * (raw-byte names from GNU tar or bsdtar come back as U+FFFD), ignores hdrcharset, and does not
 * reject a header with a bad checksum. Here every pax record is parsed as bytes and kept as
 * bytes (hdrcharset=BINARY or UTF-8 alike: the bytes ARE the name), and every header checksum
 * is checked (unsigned sum, or the historic signed sum).
 *
 * <p>Strict by design: a bad checksum, a truncated header or data, a malformed number or pax
 * record, a NUL inside a name, an archive without its end marker: {@link TarFormatException}
 * with the byte offset, and the reader is done. An entry that is well-formed but that we do
 * not reproduce (sparse, GNU dump directory, volume label, multi-volume, unknown type) gives
 * {@link UnsupportedEntryException} after its data has been skipped: the caller reports it and
 * calls next() again.
 *
 * <p>Names are normalized only in ways that cannot change meaning: a leading "./" and
 * trailing '/' are dropped ("./" alone is the root "."). Absolute paths and ".." components
 * are kept AS IS: refusing them is the extractor's job, and silently cleaning them here would
 * hide a hostile archive. Not thread-safe.
 *
 * <p>Built the way libarchive's reader is: {@link BlockInput} (fill, skip, seek),
 * {@link HeaderChain} (x, g, L, K and the global records), {@link UstarHeader} (the fields of
 * one header block), {@link SparseHeaders} (the sparse forms); this class puts an entry
 * together from them and reads its data.
 */
public final class TarReader extends InputStream {
    /** Pax keys whose meaning this reader (and {@link TarWriter}) owns. */
    static final Set<String> STANDARD_KEYS = Set.of("path", "linkpath", "uname", "gname", "size",
            "uid", "gid", "mtime", "hdrcharset");
    /** Standard keys read and dropped: we restore mtime only. */
    private static final Set<String> DROPPED_KEYS = Set.of("atime", "ctime", "comment", "charset");
    private static final int BLOCK = BlockInput.BLOCK;

    private final BlockInput in;
    private final MetadataBudget budget;
    private final HeaderChain chain;
    private Entry current;
    private boolean currentHasData;
    private long dataRemaining; // data bytes of the last header not yet consumed
    private long dataSize;
    private long padRemaining;
    private boolean done;
    private SparseMap sparse; // non-null while the current entry is a sparse file
    private long logicalPos;
    private long logicalSize;
    /** The owner and group names of the last entry, reused while the headers repeat them. */
    private byte[] lastUname, lastGname;
    /** Reads a pax 1.0 sparse map from the stored data (one for the reader, not one per entry). */
    private final SparseMap.Stored stored = this::readStoredFully;

    /**
     * An input that can move forward without reading: an archive in a regular file, read by
     * offset. Given one, the reader skips data it was not asked for (an entry a caller copies
     * straight from the file, an unsupported entry) by seeking instead of reading through it.
     */
    public interface Seekable {
        /** Bytes from the next read to the end of the input as far as known now; 0 when unknown. */
        long remaining();

        /** Moves the next read n bytes further on (n <= remaining()). */
        void skipExactly(long n) throws IOException;
    }

    /** Reads in within the default {@link ReadLimits}; a {@link Seekable} is seeked over, never read through. */
    public TarReader(InputStream in) { this(in, ReadLimits.DEFAULTS); }

    /**
     * Reads in; metadata beyond limits is refused ({@link LimitExceededException}). If in is
     * also a {@link Seekable}, skipped data is seeked over, never read.
     */
    public TarReader(InputStream in, ReadLimits limits) {
        this.in = new BlockInput(in, this::reading);
        this.budget = new MetadataBudget(limits);
        this.chain = new HeaderChain(this.in, budget);
    }

    /**
     * Tells l of every set of {@link LateRecords} (records about an entry already returned,
     * written after its data) as soon as {@link #next()} meets them, i.e. during the call to
     * next() after that entry's. They are never merged into the extra of later entries; without
     * a listener they are dropped. Other records of a global header apply to every later entry,
     * as POSIX says.
     */
    public TarReader onLateRecords(Consumer<LateRecords> l) {
        chain.onLateRecords(l);
        return this;
    }

    /** Stream offset of the next byte to be consumed. */
    public long position() { return in.position(); }

    /**
     * The next entry, or null at the end of the archive (two zero blocks, or end of input
     * right after one). Unread data of the previous entry is skipped.
     */
    public Entry next() throws IOException {
        if (done) return null;
        skipData();
        current = null;
        currentHasData = false;
        sparse = null;
        HeaderChain.Headers h = chain.next();
        if (h == null) {
            done = true;
            in.readCompressedToEnd();
            return null;
        }
        return entry(h);
    }

    private Entry entry(HeaderChain.Headers hs) throws IOException {
        UstarHeader h = hs.header();
        long off = h.offset();
        Map<String, byte[]> pax = chain.records(hs.local());

        byte[] rawPath = firstOf(pax.get("path"), hs.longName(), h);
        if (indexOf(rawPath, (byte) 0) >= 0)
            throw new TarFormatException("NUL byte in the path of the entry at byte offset " + off);
        if (rawPath.length == 0) throw new TarFormatException("empty path in the entry at byte offset " + off);
        budget.path(rawPath, "path", off);
        boolean trailingSlash = rawPath[rawPath.length - 1] == '/';
        byte[] path = normalize(rawPath);

        long size = h.size();
        byte[] v = pax.get("size");
        if (v != null) {
            size = PaxRecords.parseLong(v);
            if (size < 0) throw new TarFormatException("bad pax size of " + Names.display(path) + " at byte offset " + off);
        }
        startData(size);

        byte flag = h.typeFlag();
        SparseHeaders.Sparse sp = SparseHeaders.read(h, pax, path, in, stored, budget);
        long realSize = size;
        if (sp != null) {
            if (flag == 'S') flag = '0';
            path = sp.path();
            realSize = sp.realSize();
            sp.map().check(realSize, dataRemaining, path, off);
        }
        EntryType type = typeOf(flag, trailingSlash, path);

        int mode = h.mode();
        long uid = paxOrHeader(pax, "uid", h::uid, off);
        long gid = paxOrHeader(pax, "gid", h::gid, off);
        if (uid > 0xffffffffL || gid > 0xffffffffL || uid < 0 || gid < 0)
            throw new TarFormatException("uid/gid out of range at byte offset " + off);
        long sec;
        int nsec = 0;
        v = pax.get("mtime");
        if (v != null) {
            long[] t = PaxRecords.parseTime(v);
            if (t == null) throw new TarFormatException("bad pax mtime at byte offset " + off);
            sec = t[0];
            nsec = (int) t[1];
        } else {
            sec = h.mtime();
        }
        byte[] uname = pax.get("uname");
        if (uname == null) uname = lastUname = h.uname(lastUname);
        byte[] gname = pax.get("gname");
        if (gname == null) gname = lastGname = h.gname(lastGname);
        byte[] link = pax.get("linkpath");
        if (link == null) link = hs.longLink();
        if (link == null) link = h.linkName();
        budget.path(link, "link target", off);
        if (indexOf(link, (byte) 0) >= 0 || indexOf(uname, (byte) 0) >= 0 || indexOf(gname, (byte) 0) >= 0)
            throw new TarFormatException("NUL byte in a name of " + Names.display(path) + " at byte offset " + off);
        if (type == EntryType.HARDLINK) link = stripDotSlash(link);
        if ((type == EntryType.HARDLINK || type == EntryType.SYMLINK) && link.length == 0)
            throw new TarFormatException("link without a target: " + Names.display(path) + " at byte offset " + off);
        int major = 0, minor = 0;
        if (type == EntryType.CHAR_DEVICE || type == EntryType.BLOCK_DEVICE) {
            major = h.devMajor();
            minor = h.devMinor();
        }

        currentHasData = type == EntryType.FILE;
        this.sparse = sp == null ? null : sp.map();
        logicalPos = 0;
        logicalSize = currentHasData ? realSize : 0;
        current = new Entry(path, type, mode, (int) uid, (int) gid, uname, gname,
                logicalSize, sec, nsec, link, major, minor, extra(pax));
        return current;
    }

    /** What the input is being read for (a codec's failure names it). */
    private String reading() {
        return current != null && dataRemaining > 0 ? "the data of '" + Names.display(current.path()) + "'" : "a header";
    }

    /** The type a header's flag stands for; an entry of any other kind is refused (its data skipped on next()). */
    private static EntryType typeOf(byte flag, boolean trailingSlash, byte[] path) throws UnsupportedEntryException {
        EntryType type = switch (flag) {
            case '0', 0, '7' -> trailingSlash ? EntryType.DIRECTORY : EntryType.FILE;
            case '1' -> EntryType.HARDLINK;
            case '2' -> EntryType.SYMLINK;
            case '3' -> EntryType.CHAR_DEVICE;
            case '4' -> EntryType.BLOCK_DEVICE;
            case '5' -> EntryType.DIRECTORY;
            case '6' -> EntryType.FIFO;
            default -> null;
        };
        if (type != null) return type;
        String what = switch (flag) {
            case 'S' -> "old GNU sparse entry without GNU magic";
            case 'D' -> "GNU incremental dump directory";
            case 'M' -> "GNU multi-volume continuation";
            case 'V' -> "GNU volume label";
            case 'N' -> "GNU old long-name entry";
            default -> "entry of unknown type '" + printable(flag) + "'";
        };
        throw new UnsupportedEntryException(what + " not supported: " + Names.display(path), path);
    }

    /** The records the entry carries beyond the ones this reader owns (our namespace, xattrs...). */
    private static Map<String, byte[]> extra(Map<String, byte[]> pax) {
        if (pax.isEmpty()) return Map.of(); // most entries: no iterator to make
        Map<String, byte[]> extra = Map.of();
        for (Map.Entry<String, byte[]> r : pax.entrySet()) {
            String k = r.getKey();
            if (STANDARD_KEYS.contains(k) || DROPPED_KEYS.contains(k) || k.startsWith("GNU.sparse.")) continue;
            if (extra.isEmpty()) extra = new LinkedHashMap<>();
            extra.put(k, r.getValue());
        }
        return extra.isEmpty() ? extra : Collections.unmodifiableMap(extra);
    }

    private void startData(long size) {
        dataRemaining = size;
        dataSize = size;
        padRemaining = (BLOCK - size % BLOCK) % BLOCK;
    }

    /** The entry {@link #next()} returned last (null before the first and after the end). */
    public Entry current() { return current; }

    /**
     * Stream offset of the current FILE entry's data when its stored bytes are the file's bytes
     * exactly and none has been read yet: a caller may then take size() bytes from there
     * itself, and the next {@link #next()} skips them. -1 otherwise (a sparse entry stores only
     * its data runs, an entry without data, data already read).
     */
    public long dataOffset() {
        if (!currentHasData || sparse != null || dataRemaining != dataSize || logicalPos != 0) return -1;
        return position();
    }

    /** Whether the current FILE entry is sparse: its archive stores only its data runs. */
    public boolean isSparse() { return currentHasData && sparse != null; }

    /** The current sparse entry's data runs as (offset, length) pairs in file order; null for a plain entry. */
    public long[] sparseRuns() { return isSparse() ? sparse.runs() : null; }

    /**
     * Skips the hole the current entry's data is in, if any, and returns the offset in the file
     * of the next byte {@link #read} gives (its size at the end). A sink that keeps holes reads
     * a sparse entry as: skipHole, read to the end of that run, skipHole, ... so a file of 1 TiB
     * with a few bytes of data costs a few bytes, not a TiB of zeros. A plain entry has no hole.
     */
    public long skipHole() {
        if (!currentHasData) return logicalPos;
        if (sparse != null) logicalPos = sparse.nextDataAt(logicalPos);
        return logicalPos;
    }

    /**
     * Reads the current FILE entry's data; -1 at its end (and for entries without data). A
     * sparse entry reads as the whole file: zeros in its holes.
     */
    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (!currentHasData || logicalPos == logicalSize) return -1;
        if (len == 0) return 0;
        int want = (int) Math.min(len, logicalSize - logicalPos);
        int n;
        if (sparse == null) {
            n = readStored(b, off, want);
        } else {
            long next = sparse.nextDataAt(logicalPos);
            if (next > logicalPos) { // in a hole
                n = (int) Math.min(want, next - logicalPos);
                Arrays.fill(b, off, off + n, (byte) 0);
            } else {
                n = readStored(b, off, (int) Math.min(want, sparse.dataEnd(logicalPos) - logicalPos));
            }
        }
        logicalPos += n;
        return n;
    }

    /** Reads stored data bytes of the current header; never past its data area. */
    private int readStored(byte[] b, int off, int want) throws IOException {
        int n = in.read(b, off, (int) Math.min(want, dataRemaining));
        if (n < 0) throw truncatedData();
        dataRemaining -= n;
        return n;
    }

    /** Reads exactly len stored bytes (the map at the start of a sparse 1.0 entry); -1 at its end. */
    private int readStoredFully(byte[] b, int len) throws IOException {
        if (dataRemaining < len) return -1;
        int got = 0;
        while (got < len) got += readStored(b, got, len - got);
        return got;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public void close() throws IOException { in.close(); }

    private TarFormatException truncatedData() {
        String name = current != null ? Names.display(current.path()) : "a sparse entry";
        return new TarFormatException(String.format(Locale.ROOT,
                "archive truncated in the data of '%s' at byte offset %d: %,d of %,d bytes missing",
                name, position(), dataRemaining, dataSize));
    }

    private void skipData() throws IOException {
        long n = dataRemaining + padRemaining;
        long skipped = in.skip(n);
        if (skipped < n) {
            dataRemaining = Math.max(0, dataRemaining - skipped);
            throw new TarFormatException("archive truncated at byte offset " + position()
                    + (dataRemaining > 0 && current != null ? " in the data of '" + Names.display(current.path()) + "'" : ""));
        }
        dataRemaining = 0;
        padRemaining = 0;
    }

    /** A numeric field from its pax record when there is one, else from the header. */
    private static long paxOrHeader(Map<String, byte[]> pax, String key, HeaderField field, long off) throws TarFormatException {
        byte[] v = pax.get(key);
        if (v == null) return field.get();
        long r = PaxRecords.parseLong(v);
        if (r < 0) throw new TarFormatException("bad pax " + key + " at byte offset " + off);
        return r;
    }

    private interface HeaderField {
        long get() throws TarFormatException;
    }

    /** The path: the pax record if there is one, else the GNU long name, else the header's. */
    private static byte[] firstOf(byte[] pax, byte[] longName, UstarHeader h) {
        return pax != null ? pax : longName != null ? longName : h.name();
    }

    /** Drops a leading "./" (repeatedly) and trailing '/'; "." or "./" alone is the root ".". */
    public static byte[] normalize(byte[] p) {
        int s = 0, e = p.length;
        while (e - s >= 2 && p[s] == '.' && p[s + 1] == '/') {
            s += 2;
            while (s < e && p[s] == '/') s++;
        }
        while (e - s > 1 && p[e - 1] == '/') e--;
        if (e == s || (e - s == 1 && p[s] == '.')) return Names.DOT.clone();
        if (s == 0 && e == p.length) return p;
        return Arrays.copyOfRange(p, s, e);
    }

    private static byte[] stripDotSlash(byte[] p) {
        int s = 0;
        while (p.length - s >= 2 && p[s] == '.' && p[s + 1] == '/') s += 2;
        return s == 0 ? p : Arrays.copyOfRange(p, s, p.length);
    }

    static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) if (b[i] == x) return i;
        return -1;
    }

    private static String printable(byte c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c & 0xff);
    }
}
