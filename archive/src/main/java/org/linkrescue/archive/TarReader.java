package org.linkrescue.archive;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
 */
public final class TarReader extends InputStream {
    /** Pax keys whose meaning this reader (and {@link TarWriter}) owns. */
    static final Set<String> STANDARD_KEYS = Set.of("path", "linkpath", "uname", "gname", "size",
            "uid", "gid", "mtime", "hdrcharset");
    /** Standard keys read and dropped: we restore mtime only. */
    private static final Set<String> DROPPED_KEYS = Set.of("atime", "ctime", "comment", "charset");
    private static final int BLOCK = 512;
    /** Pax headers and GNU long names larger than this are hostile, not long names. */
    private static final long MAX_META = 64L << 20;

    /** Smallest refill after a seek: a header or two, not the next file's data. */
    private static final int SEEK_FILL = 4096;

    private final InputStream in;
    private final Seekable seekable; // in, when it can move forward without reading; else null
    private final byte[] buf = new byte[128 * 1024];
    private int pos;
    private int lim;
    private long base; // stream offset of buf[0]
    private boolean eof;
    private int fillSize; // bytes the next refill asks for (small after a seek)

    private final byte[] header = new byte[BLOCK];
    private final Map<String, byte[]> global = new LinkedHashMap<>();
    private java.util.function.Consumer<LateRecords> lateListener;
    private Entry current;
    private boolean currentHasData;
    private long dataRemaining; // data bytes of the last header not yet consumed
    private long dataSize;
    private long padRemaining;
    private boolean done;
    private SparseMap sparse; // non-null while the current entry is a sparse file
    private long logicalPos;
    private long logicalSize;
    private static final byte[] ONE = {'1'};
    private static final byte[] ZERO = {'0'};

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

    /** Reads in; if in is also a {@link Seekable}, skipped data is seeked over, never read. */
    public TarReader(InputStream in) {
        this.in = in;
        this.seekable = in instanceof Seekable s ? s : null;
        this.fillSize = seekable != null ? SEEK_FILL : buf.length;
    }

    /**
     * Tells l of every set of {@link LateRecords} (records about an entry already returned,
     * written after its data) as soon as {@link #next()} meets them, i.e. during the call to
     * next() after that entry's. They are never merged into the extra of later entries; without
     * a listener they are dropped. Other records of a global header apply to every later entry,
     * as POSIX says.
     */
    public TarReader onLateRecords(java.util.function.Consumer<LateRecords> l) {
        this.lateListener = l;
        return this;
    }

    /** Stream offset of the next byte to be consumed. */
    public long position() { return base + pos; }

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
        Map<String, byte[]> local = null;
        byte[] longName = null;
        byte[] longLink = null;
        while (true) {
            long off = position();
            int n = readBlock(header);
            if (n == 0) {
                throw new TarFormatException("archive ends at byte offset " + off
                        + " without an end-of-archive marker (truncated?)");
            }
            if (n < BLOCK) throw new TarFormatException("archive truncated in a header at byte offset " + off);
            if (isZero(header)) {
                long off2 = position();
                int m = readBlock(header);
                if (m == 0 || (m == BLOCK && isZero(header))) {
                    if (local != null || longName != null || longLink != null)
                        throw new TarFormatException("archive ends at byte offset " + off
                                + " after an extended header without its entry");
                    done = true;
                    drainRecord();
                    return null;
                }
                if (m < BLOCK) throw new TarFormatException("archive truncated in a header at byte offset " + off2);
                off = off2; // a lone zero block (GNU tar warns and goes on; so do we)
            }
            checkChecksum(off);
            byte flag = header[156];
            long size = TarNumbers.parse(header, 124, 12);
            if (size == Long.MIN_VALUE || size < 0)
                throw new TarFormatException("bad size field at byte offset " + off);
            switch (flag) {
                case 'x' -> {
                    Map<String, byte[]> m = parsePax(readMeta(size, off, "pax header"), off);
                    if (local == null) local = new LinkedHashMap<>();
                    local.putAll(m);
                    continue;
                }
                case 'g' -> {
                    Map<String, byte[]> g = parsePax(readMeta(size, off, "pax global header"), off);
                    LateRecords late = LateRecords.decode(g, off);
                    for (Map.Entry<String, byte[]> r : g.entrySet()) {
                        if (LateRecords.isLateKey(r.getKey())) continue; // about an earlier entry only
                        if (r.getValue().length == 0) global.remove(r.getKey());
                        else global.put(r.getKey(), r.getValue());
                    }
                    if (late != null && lateListener != null) lateListener.accept(late);
                    continue;
                }
                case 'L' -> { longName = gnuLongName(readMeta(size, off, "GNU long name"), off); continue; }
                case 'K' -> { longLink = gnuLongName(readMeta(size, off, "GNU long link name"), off); continue; }
                default -> { }
            }
            return entry(off, flag, size, local, longName, longLink);
        }
    }

    private Entry entry(long off, byte flag, long hdrSize, Map<String, byte[]> local,
                        byte[] longName, byte[] longLink) throws IOException {
        boolean posix = header[257] == 'u' && header[258] == 's' && header[259] == 't'
                && header[260] == 'a' && header[261] == 'r' && header[262] == 0;
        boolean gnu = header[257] == 'u' && header[258] == 's' && header[259] == 't'
                && header[260] == 'a' && header[261] == 'r' && header[262] == ' ';
        Map<String, byte[]> pax = global.isEmpty() && local == null ? Map.of() : merged(local);

        byte[] rawPath = pax.get("path");
        if (rawPath == null) rawPath = longName;
        if (rawPath == null) {
            int nl = cstrLen(header, 0, 100);
            if (posix && header[345] != 0) {
                int pl = cstrLen(header, 345, 155);
                rawPath = new byte[pl + 1 + nl];
                System.arraycopy(header, 345, rawPath, 0, pl);
                rawPath[pl] = '/';
                System.arraycopy(header, 0, rawPath, pl + 1, nl);
            } else {
                rawPath = Arrays.copyOf(header, nl);
            }
        }
        if (indexOf(rawPath, (byte) 0) >= 0)
            throw new TarFormatException("NUL byte in the path of the entry at byte offset " + off);
        if (rawPath.length == 0) throw new TarFormatException("empty path in the entry at byte offset " + off);
        boolean trailingSlash = rawPath[rawPath.length - 1] == '/';
        byte[] path = normalize(rawPath);

        long size = hdrSize;
        byte[] v = pax.get("size");
        if (v != null) {
            size = PaxRecords.parseLong(v);
            if (size < 0) throw new TarFormatException("bad pax size of " + Names.display(path) + " at byte offset " + off);
        }
        dataRemaining = size;
        dataSize = size;
        padRemaining = (BLOCK - size % BLOCK) % BLOCK;

        SparseMap sparse = null;
        long realSize = size;
        if (flag == 'S' && gnu) {
            sparse = oldGnuSparseMap(off);
            realSize = number(483, 12, "GNU sparse real size", off);
            flag = '0';
        } else if (pax.keySet().stream().anyMatch(k -> k.startsWith("GNU.sparse."))) {
            byte[] real = pax.get("GNU.sparse.name");
            if (real != null) {
                path = normalize(real);
                if (indexOf(path, (byte) 0) >= 0) throw new TarFormatException("NUL byte in the path of the entry at byte offset " + off);
            }
            byte[] major = pax.get("GNU.sparse.major"), minor = pax.get("GNU.sparse.minor");
            byte[] rs = pax.get("GNU.sparse.realsize");
            if (rs == null) rs = pax.get("GNU.sparse.size");
            long rsv = rs == null ? -1 : PaxRecords.parseLong(rs);
            if (major != null && minor != null && Arrays.equals(major, ONE) && Arrays.equals(minor, ZERO) && rsv >= 0) {
                sparse = SparseMap.readFrom(this::readStoredFully, off);
            } else if (pax.get("GNU.sparse.map") != null && rsv >= 0) {
                sparse = SparseMap.parseList(pax.get("GNU.sparse.map"), off);
            } else {
                throw new UnsupportedEntryException("sparse entry not supported (GNU sparse format 0.0): "
                        + Names.display(path), path);
            }
            realSize = rsv;
        }
        if (sparse != null) sparse.check(realSize, dataRemaining, path, off);
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
        if (type == null) {
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

        int mode = (int) number(100, 8, "mode", off) & 07777;
        long uid = paxOrHeader(pax, "uid", 108, 8, off);
        long gid = paxOrHeader(pax, "gid", 116, 8, off);
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
            sec = number(136, 12, "mtime", off);
        }
        byte[] uname = pax.get("uname");
        if (uname == null) uname = posix || gnu ? Arrays.copyOfRange(header, 265, 265 + cstrLen(header, 265, 32)) : Entry.EMPTY;
        byte[] gname = pax.get("gname");
        if (gname == null) gname = posix || gnu ? Arrays.copyOfRange(header, 297, 297 + cstrLen(header, 297, 32)) : Entry.EMPTY;
        byte[] link = pax.get("linkpath");
        if (link == null) link = longLink;
        if (link == null) link = Arrays.copyOfRange(header, 157, 157 + cstrLen(header, 157, 100));
        if (indexOf(link, (byte) 0) >= 0 || indexOf(uname, (byte) 0) >= 0 || indexOf(gname, (byte) 0) >= 0)
            throw new TarFormatException("NUL byte in a name of " + Names.display(path) + " at byte offset " + off);
        if (type == EntryType.HARDLINK) link = stripDotSlash(link);
        if ((type == EntryType.HARDLINK || type == EntryType.SYMLINK) && link.length == 0)
            throw new TarFormatException("link without a target: " + Names.display(path) + " at byte offset " + off);
        int major = 0, minor = 0;
        if (type == EntryType.CHAR_DEVICE || type == EntryType.BLOCK_DEVICE) {
            major = (int) number(329, 8, "devmajor", off);
            minor = (int) number(337, 8, "devminor", off);
        }

        Map<String, byte[]> extra = Map.of();
        for (Map.Entry<String, byte[]> r : pax.entrySet()) {
            String k = r.getKey();
            if (STANDARD_KEYS.contains(k) || DROPPED_KEYS.contains(k) || k.startsWith("GNU.sparse.")) continue;
            if (extra.isEmpty()) extra = new LinkedHashMap<>();
            extra.put(k, r.getValue());
        }
        if (!extra.isEmpty()) extra = Collections.unmodifiableMap(extra);

        currentHasData = type == EntryType.FILE;
        this.sparse = sparse;
        logicalPos = 0;
        logicalSize = currentHasData ? (sparse != null ? realSize : size) : 0;
        current = new Entry(path, type, mode, (int) uid, (int) gid, uname, gname,
                logicalSize, sec, nsec, link, major, minor, extra);
        return current;
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
        want = (int) Math.min(want, dataRemaining);
        int n;
        if (pos < lim) {
            n = Math.min(want, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
        } else if (want >= buf.length) {
            n = eof ? -1 : in.read(b, off, want);
            if (n <= 0) { eof = true; throw truncatedData(); }
            base += n; // consumed straight from the stream: keep position() right
        } else {
            if (!fill()) throw truncatedData();
            n = Math.min(want, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
        }
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
        long beyond = n - (lim - pos); // bytes past what the buffer holds
        if (seekable != null && beyond > 0 && beyond <= seekable.remaining()) {
            // The whole skip lies inside the input: seek. A skip past its end reads through
            // below instead, so a truncated archive fails exactly as it does from a pipe.
            seekable.skipExactly(beyond);
            base += lim + beyond;
            pos = 0;
            lim = 0;
            fillSize = SEEK_FILL;
            dataRemaining = 0;
            padRemaining = 0;
            return;
        }
        while (n > 0) {
            if (pos == lim && !fill()) {
                throw new TarFormatException("archive truncated at byte offset " + position()
                        + (dataRemaining > 0 && current != null ? " in the data of '" + Names.display(current.path()) + "'" : ""));
            }
            int k = (int) Math.min(n, lim - pos);
            pos += k;
            n -= k;
            if (dataRemaining > 0) dataRemaining = Math.max(0, dataRemaining - k);
        }
        dataRemaining = 0;
        padRemaining = 0;
    }

    /** Reads a whole metadata block ('x', 'g', 'L', 'K') of size bytes plus padding. */
    private byte[] readMeta(long size, long off, String what) throws IOException {
        if (size > MAX_META)
            throw new TarFormatException(String.format(Locale.ROOT, "%s of %,d bytes at byte offset %d is too large", what, size, off));
        byte[] b = new byte[(int) size];
        int got = 0;
        while (got < size) {
            if (pos == lim && !fill()) throw new TarFormatException("archive truncated in a " + what + " at byte offset " + off);
            int k = Math.min((int) size - got, lim - pos);
            System.arraycopy(buf, pos, b, got, k);
            pos += k;
            got += k;
        }
        long pad = (BLOCK - size % BLOCK) % BLOCK;
        while (pad > 0) {
            if (pos == lim && !fill()) throw new TarFormatException("archive truncated in a " + what + " at byte offset " + off);
            int k = (int) Math.min(pad, lim - pos);
            pos += k;
            pad -= k;
        }
        return b;
    }

    private static Map<String, byte[]> parsePax(byte[] body, long off) throws TarFormatException {
        Map<String, byte[]> m = PaxRecords.parse(body, body.length);
        if (m == null) throw new TarFormatException("malformed pax record in the header at byte offset " + off);
        return m;
    }

    /** A GNU long name is NUL-terminated; anything but NULs after the first NUL is hostile. */
    private static byte[] gnuLongName(byte[] b, long off) throws TarFormatException {
        int n = indexOf(b, (byte) 0);
        if (n < 0) return b;
        for (int i = n; i < b.length; i++)
            if (b[i] != 0) throw new TarFormatException("NUL byte in the GNU long name at byte offset " + off);
        return Arrays.copyOf(b, n);
    }

    private Map<String, byte[]> merged(Map<String, byte[]> local) {
        Map<String, byte[]> m = new LinkedHashMap<>(global);
        if (local != null) {
            for (Map.Entry<String, byte[]> r : local.entrySet()) {
                if (r.getValue().length == 0) m.remove(r.getKey()); // "key=" means: use the header's value
                else m.put(r.getKey(), r.getValue());
            }
        }
        return m;
    }

    private long paxOrHeader(Map<String, byte[]> pax, String key, int at, int len, long off) throws TarFormatException {
        byte[] v = pax.get(key);
        if (v == null) return number(at, len, key, off);
        long r = PaxRecords.parseLong(v);
        if (r < 0) throw new TarFormatException("bad pax " + key + " at byte offset " + off);
        return r;
    }

    private long number(int at, int len, String field, long off) throws TarFormatException {
        long v = TarNumbers.parse(header, at, len);
        if (v == Long.MIN_VALUE) throw new TarFormatException("bad " + field + " field at byte offset " + off);
        return v;
    }

    private void checkChecksum(long off) throws TarFormatException {
        long stored = TarNumbers.parse(header, 148, 8);
        if (stored != Long.MIN_VALUE && stored == unsignedSum(header)) return;
        // The historic signed sum (old Sun tar), computed only when the usual one does not match.
        long signed = 0;
        for (int i = 0; i < BLOCK; i++) signed += (i >= 148 && i < 156) ? ' ' : header[i];
        if (stored == Long.MIN_VALUE || stored != signed)
            throw new TarFormatException("bad header checksum at byte offset " + off);
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_BYTES = 0x00FF00FF00FF00FFL;

    /**
     * The header's checksum (its bytes summed as unsigned, the checksum field counted as eight
     * spaces), eight bytes at a time: every entry has one or two headers, and a byte-by-byte sum
     * was a tenth of extract's reading thread.
     */
    static long unsignedSum(byte[] h) {
        long lanes = 0; // four 16-bit sums; at most 2 * 255 * 64 each, no overflow
        for (int i = 0; i < BLOCK; i += 8) {
            long v = (long) LONGS.get(h, i);
            lanes += (v & LOW_BYTES) + ((v >>> 8) & LOW_BYTES);
        }
        long pairs = (lanes & 0x0000FFFF0000FFFFL) + ((lanes >>> 16) & 0x0000FFFF0000FFFFL);
        long sum = (pairs & 0xFFFFFFFFL) + (pairs >>> 32);
        for (int i = 148; i < 156; i++) sum -= h[i] & 0xff;
        return sum + 8 * ' ';
    }

    /** Drops a leading "./" (repeatedly) and trailing '/'; "." or "./" alone is the root ".". */
    static byte[] normalize(byte[] p) {
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

    /** The map of an old GNU 'S' header: 4 slots in the header, 21 per extension block. */
    private SparseMap oldGnuSparseMap(long off) throws IOException {
        SparseMap m = new SparseMap();
        for (int i = 0; i < 4; i++) m.addSlot(header, 386 + 24 * i, off);
        boolean more = header[482] != 0;
        byte[] ext = new byte[BLOCK];
        while (more) {
            long at = position();
            if (readBlock(ext) != BLOCK) throw new TarFormatException("archive truncated in a sparse header at byte offset " + at);
            for (int i = 0; i < 21; i++) m.addSlot(ext, 24 * i, at);
            more = ext[504] != 0;
        }
        return m;
    }

    /**
     * Consumes the rest of the 10240-byte record after the end marker, as tar does: a writer on
     * the other end of a pipe (GNU tar, bsdtar) still writes that padding and would fail with
     * EPIPE if we closed early. End of input before it is fine.
     */
    private void drainRecord() throws IOException {
        long n = (TarWriter.RECORD - position() % TarWriter.RECORD) % TarWriter.RECORD;
        while (n > 0) {
            if (pos == lim && !fill()) return;
            int k = (int) Math.min(n, lim - pos);
            pos += k;
            n -= k;
        }
    }

    private int readBlock(byte[] dst) throws IOException {
        int got = 0;
        while (got < BLOCK) {
            if (pos == lim && !fill()) break;
            int k = Math.min(BLOCK - got, lim - pos);
            System.arraycopy(buf, pos, dst, got, k);
            pos += k;
            got += k;
        }
        return got;
    }

    /**
     * Refills the buffer (it is empty); false at end of input. After a seek the refills start
     * small and double: headers in a row are read in few calls, while a refill that runs into
     * the next entry's data reads little of what the next seek skips.
     */
    private boolean fill() throws IOException {
        if (eof) return false;
        base += lim;
        pos = 0;
        lim = 0;
        while (lim == 0) {
            int n = in.read(buf, 0, fillSize);
            if (n < 0) { eof = true; return false; }
            lim = n;
        }
        fillSize = Math.min(buf.length, fillSize * 2);
        return true;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static int cstrLen(byte[] b, int off, int max) {
        for (int i = 0; i < max; i++) if (b[off + i] == 0) return i;
        return max;
    }

    private static int indexOf(byte[] b, byte x) {
        for (int i = 0; i < b.length; i++) if (b[i] == x) return i;
        return -1;
    }

    private static String printable(byte c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c & 0xff);
    }
}
