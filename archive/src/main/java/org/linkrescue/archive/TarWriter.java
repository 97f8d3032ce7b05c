package org.linkrescue.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a POSIX pax tar stream, one entry at a time: {@link #putEntry}, the entry's data
 * through {@code write}, {@link #closeEntry}; at the end {@link #finish} (or {@link #close}).
 *
 * <p>Why our own header code and not commons-compress's TarArchiveOutputStream: that class
 * writes every pax record as UTF-8 text (a name that is not UTF-8 gets mangled, and
 * hdrcharset is not implemented), cuts sub-second times to 100 ns and user/group names to 32
 * bytes. Our promise is byte-exact names and nanosecond times, so the 512-byte header is built
 * here, by hand, from the raw bytes of the {@link Entry}. Compression streams still come from
 * commons-compress (see {@link Compression}).
 *
 * <p>What goes where, chosen so GNU tar (1.30+) and bsdtar both reproduce every entry exactly
 * and a reader ignoring pax still gets sane values:
 * <ul>
 * <li>Names (path, link target, user and group name) that fit the ustar fields go there as
 *     raw bytes, whatever bytes they are. Both GNU tar and bsdtar take ustar fields verbatim in
 *     every locale, while a pax {@code path} is UTF-8 text that GNU tar converts to the locale's
 *     charset (under a Latin-1 locale "caf\xc3\xa9" would land as "caf\xe9").</li>
 * <li>A name that does not fit (path beyond the 155/100 prefix/name split, link target over
 *     100 bytes, user/group name over 32 bytes) goes into a pax record; when any such record
 *     holds a byte outside ASCII the header also says {@code hdrcharset=BINARY} first, which
 *     tells pax readers (bsdtar) to take the bytes as they are. We set it for valid UTF-8 too
 *     (bsdtar itself does so only for invalid UTF-8): without it bsdtar converts the name from
 *     UTF-8 to the locale and, under LC_ALL=C, fails with "Pathname can't be converted" and exit
 *     1. GNU tar 1.34 does not know the keyword: it warns "Ignoring unknown extended header
 *     keyword 'hdrcharset'" (exit 0) and extracts the raw bytes all the same; in a UTF-8 or C
 *     locale the tree is exact, under a Latin-1 locale it converts valid UTF-8 pax names (its
 *     own behaviour with any pax archive). Measured with GNU tar 1.34 and bsdtar 3.6.2.</li>
 * <li>{@code mtime} with nine fractional digits whenever the nanoseconds are not 0 (or the
 *     seconds do not fit octal), except in a hard link's header (its inode's times come with
 *     the inode's first entry; no reader sets any from a link's header); {@code size} above
 *     077777777777; {@code uid}/{@code gid} above 07777777. The ustar field then carries the
 *     value in GNU base-256.</li>
 * <li>Every record of {@link Entry#extra()} verbatim, as raw bytes.</li>
 * </ul>
 * Records that become known only after an entry's data ({@link #putLateRecords}) follow that
 * data in a pax global header; see {@link LateRecords}.
 *
 * <p>Directories get a trailing '/', the root "." becomes "./". The stream is buffered here
 * (callers may hand a raw FileOutputStream or stdout) and ends, like tar's, with two zero
 * blocks padded to a 10240-byte record. Not thread-safe.
 */
public final class TarWriter extends OutputStream {
    static final int BLOCK = 512;
    /**
     * Zeros copied, not filled: under the C1 compiler the launcher runs archive with, a fill is a
     * byte loop and arraycopy is memcpy (Arrays.fill was 2.6 % of an archive's CPU samples on a
     * 228k-path link farm, a header and its padding cleared per entry).
     */
    private static final byte[] ZERO_BLOCK = new byte[BLOCK];
    static final int RECORD = 20 * BLOCK;
    private static final int BUFFER = 128 * 1024;
    private static final byte[] PAX_NAME = Names.bytes("././@PaxHeader");

    private final OutputStream out;
    private final byte[] buf = new byte[BUFFER];
    private int bufLen;
    private long written;

    private final byte[] header = new byte[BLOCK];
    private final PaxRecords pax = new PaxRecords();
    private byte[] name = new byte[256];

    private Entry current;
    private Entry last;
    private long entrySize;
    private long remaining;
    private boolean finished;
    private boolean closed;

    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /**
     * Goes on with a tar stream of which alreadyWritten bytes (whole entries) are written
     * already, elsewhere (a resumed archive): the end marker pads the whole stream to its record.
     */
    public TarWriter(OutputStream out, long alreadyWritten) {
        this.out = out;
        this.written = alreadyWritten;
    }

    /** Total bytes handed to the underlying stream so far, buffered ones included. */
    public long bytesWritten() { return written + bufLen; }

    /**
     * Writes the headers of e; for a FILE exactly e.size() bytes must follow. An earlier entry
     * whose data is complete is closed implicitly.
     */
    public void putEntry(Entry e) throws IOException {
        putEntry(e, null);
    }

    /**
     * Writes a FILE entry with holes as a GNU pax sparse 1.0 entry (GNU tar --sparse-version=1.0,
     * which GNU tar, bsdtar and our reader extract with the holes): the header names
     * "DIR/GNUSparseFile.0/NAME", so a reader that knows no sparse files extracts the stored form
     * under that name instead of a wrong file under the real one; GNU.sparse.name and
     * GNU.sparse.realsize give the real ones; the data starts with the map ("count\n" then
     * "offset\nlength\n" per run, NUL-padded to a block). Then exactly the runs' bytes, back to
     * back, must follow ({@link #write}), and {@link #closeEntry}.
     *
     * @param runs (offset, length) pairs in file order, inside e.size(); none: a file all hole
     */
    public void putSparseEntry(Entry e, long[] runs) throws IOException {
        if (e.type() != EntryType.FILE) throw new IllegalArgumentException("a sparse " + e.type() + ": " + Names.display(e.path()));
        byte[] map = sparseMap(runs, e.size());
        long data = 0;
        for (int i = 1; i < runs.length; i += 2) data += runs[i];
        byte[] p = e.path();
        int slash = p.length - 1;
        while (slash >= 0 && p[slash] != '/') slash--;
        byte[] fake = Names.join(slash < 0 ? Names.bytes("GNUSparseFile.0") : Names.join(Arrays.copyOf(p, slash), Names.bytes("GNUSparseFile.0")),
                Arrays.copyOfRange(p, slash + 1, p.length));
        Entry stored = new Entry(fake, EntryType.FILE, e.mode(), e.uid(), e.gid(), e.uname(), e.gname(), map.length + data,
                e.mtimeSec(), e.mtimeNsec(), null, 0, 0, e.extra());
        putEntry(stored, new Sparse(p, e.size()));
        write(map, 0, map.length);
    }

    /**
     * The pax 1.0 map of runs, padded with NULs to a whole block. A file that ends in a hole
     * (an all-hole file too) gets an empty run at its end, as GNU tar writes it: GNU tar sets
     * the size of what it extracts from the last run, not from GNU.sparse.realsize.
     */
    static byte[] sparseMap(long[] runs, long size) {
        if (runs.length % 2 != 0) throw new IllegalArgumentException("runs come in (offset, length) pairs");
        long end = 0;
        for (int i = 0; i < runs.length; i += 2) {
            if (runs[i] < end || runs[i + 1] < 0 || runs[i] + runs[i + 1] > size)
                throw new IllegalArgumentException("sparse runs out of order or past the end");
            end = runs[i] + runs[i + 1];
        }
        long[] r = end < size || runs.length == 0 ? Arrays.copyOf(runs, runs.length + 2) : runs;
        if (r != runs) r[runs.length] = size;
        StringBuilder b = new StringBuilder().append(r.length / 2).append('\n');
        for (long v : r) b.append(v).append('\n');
        byte[] text = Names.bytes(b.toString());
        return Arrays.copyOf(text, (text.length + BLOCK - 1) / BLOCK * BLOCK);
    }

    /** The real name and size of a pax 1.0 sparse entry (see {@link #putSparseEntry}). */
    private record Sparse(byte[] path, long size) {}

    /** @param sparse null for a plain entry */
    private void putEntry(Entry e, Sparse sparse) throws IOException {
        ensureOpen();
        if (current != null) closeEntry();
        checkNoNul(e.path(), "path", e);
        if (e.path().length == 0) throw new IllegalArgumentException("empty path");
        checkNoNul(e.linkTarget(), "link target", e);
        checkNoNul(e.uname(), "user name", e);
        checkNoNul(e.gname(), "group name", e);

        int nameLen = fillName(e);
        pax.clear();
        boolean binary = false;
        int split = splitPoint(name, nameLen);
        boolean paxPath = split < -1;
        boolean paxLink = e.linkTarget().length > 100;
        boolean paxUname = e.uname().length > 32;
        boolean paxGname = e.gname().length > 32;
        if (paxPath) binary |= !isAscii(name, nameLen);
        if (paxLink) binary |= !isAscii(e.linkTarget(), e.linkTarget().length);
        if (paxUname) binary |= !isAscii(e.uname(), e.uname().length);
        if (paxGname) binary |= !isAscii(e.gname(), e.gname().length);
        if (sparse != null) binary |= !isAscii(sparse.path(), sparse.path().length);
        if (binary) pax.add("hdrcharset", BINARY);
        if (paxPath) pax.add("path", name, 0, nameLen);
        if (paxLink) pax.add("linkpath", e.linkTarget());
        if (paxUname) pax.add("uname", e.uname());
        if (paxGname) pax.add("gname", e.gname());
        long uid = Integer.toUnsignedLong(e.uid());
        long gid = Integer.toUnsignedLong(e.gid());
        if (uid > TarNumbers.maxOctal(8)) pax.addDecimal("uid", uid);
        if (gid > TarNumbers.maxOctal(8)) pax.addDecimal("gid", gid);
        if (e.size() > TarNumbers.maxOctal(12)) pax.addDecimal("size", e.size());
        // A hard link's header carries no pax mtime: it names an inode whose times came with its
        // first entry, and neither GNU tar nor bsdtar sets anything from a link's header (measured:
        // a link entry's own mtime left the inode as its file entry made it). On a snapshot tree,
        // nearly all links, that record cost two blocks of three per entry (the metadata tree's
        // archive: 795 MB, GNU tar's 361 MB). The ustar field keeps the seconds, for listings.
        boolean ownTimes = e.type() != EntryType.HARDLINK;
        if (ownTimes && (e.mtimeNsec() != 0 || e.mtimeSec() < 0 || e.mtimeSec() > TarNumbers.maxOctal(12))) {
            if (e.mtimeNsec() < 0 || e.mtimeNsec() > 999_999_999)
                throw new IllegalArgumentException("nanoseconds " + e.mtimeNsec() + " out of range for " + Names.display(e.path()));
            pax.addTime("mtime", e.mtimeSec(), e.mtimeNsec());
        }
        if (sparse != null) {
            pax.add("GNU.sparse.major", ONE);
            pax.add("GNU.sparse.minor", ZERO);
            pax.add("GNU.sparse.name", sparse.path());
            pax.addDecimal("GNU.sparse.realsize", sparse.size());
        }
        for (Map.Entry<String, byte[]> x : e.extra().entrySet()) {
            checkExtraKey(x.getKey(), e);
            pax.add(x.getKey(), x.getValue());
        }

        if (!pax.isEmpty()) writePax((byte) 'x', PAX_NAME, e.mtimeSec());

        System.arraycopy(ZERO_BLOCK, 0, header, 0, BLOCK);
        if (split == -1) {
            System.arraycopy(name, 0, header, 0, nameLen);
        } else if (split >= 0) {
            System.arraycopy(name, 0, header, PREFIX, split);
            System.arraycopy(name, split + 1, header, 0, nameLen - split - 1);
        } else { // the pax path rules; this is only a hint for readers without pax
            System.arraycopy(name, 0, header, 0, Math.min(100, nameLen));
        }
        TarNumbers.write(header, 100, 8, e.mode() & 07777);
        TarNumbers.write(header, 108, 8, uid);
        TarNumbers.write(header, 116, 8, gid);
        TarNumbers.write(header, 124, 12, e.size());
        TarNumbers.write(header, 136, 12, e.mtimeSec());
        header[156] = typeFlag(e.type());
        // never empty even when the pax linkpath rules: libarchive takes a symlink whose ustar
        // linkname is empty for a hard link (bsdtar 3.6.2 then makes an empty regular file)
        System.arraycopy(e.linkTarget(), 0, header, 157, Math.min(100, e.linkTarget().length));
        if (!paxUname) System.arraycopy(e.uname(), 0, header, 265, e.uname().length);
        if (!paxGname) System.arraycopy(e.gname(), 0, header, 297, e.gname().length);
        boolean dev = e.type() == EntryType.CHAR_DEVICE || e.type() == EntryType.BLOCK_DEVICE;
        TarNumbers.write(header, 329, 8, dev ? Integer.toUnsignedLong(e.devMajor()) : 0);
        TarNumbers.write(header, 337, 8, dev ? Integer.toUnsignedLong(e.devMinor()) : 0);
        finishHeader();
        emit(header, 0, BLOCK);

        current = e;
        last = e;
        entrySize = e.type() == EntryType.FILE ? e.size() : 0;
        remaining = entrySize;
    }

    private static final byte[] BINARY = Names.bytes("BINARY");
    private static final byte[] ONE = {'1'}, ZERO = {'0'};

    /** A pax header of the given type holding {@link #pax}, and its body. */
    private void writePax(byte type, byte[] name, long mtimeSec) throws IOException {
        System.arraycopy(ZERO_BLOCK, 0, header, 0, BLOCK);
        System.arraycopy(name, 0, header, 0, name.length);
        TarNumbers.write(header, 100, 8, 0644);
        TarNumbers.write(header, 108, 8, 0);
        TarNumbers.write(header, 116, 8, 0);
        TarNumbers.write(header, 124, 12, pax.length());
        TarNumbers.write(header, 136, 12, Math.max(0, Math.min(mtimeSec, TarNumbers.maxOctal(12))));
        header[156] = type;
        finishHeader();
        emit(header, 0, BLOCK);
        emit(pax.buffer(), 0, pax.length());
        pad(pax.length());
    }

    /**
     * Records of our namespace for the entry just written, known only now that its data has
     * been written (see {@link LateRecords} for the format and why it is a global header). The
     * current entry is closed first (its data must be complete).
     *
     * @param path    the entry's path, as given to {@link #putEntry}
     * @param records keys in {@link LateRecords#NAMESPACE} (in-header form, e.g.
     *                "LINKRESCUE.damaged"), values non-empty raw bytes
     */
    public void putLateRecords(byte[] path, Map<String, byte[]> records) throws IOException {
        ensureOpen();
        closeEntry();
        if (path.length == 0) throw new IllegalArgumentException("empty path in late records");
        for (byte x : path)
            if (x == 0) throw new IllegalArgumentException("NUL byte in the path of late records for " + Names.display(path));
        for (Map.Entry<String, byte[]> r : records.entrySet()) {
            String k = r.getKey();
            boolean ok = k.startsWith(LateRecords.NAMESPACE) && k.length() > LateRecords.NAMESPACE.length()
                    && !LateRecords.isLateKey(k) && r.getValue().length > 0;
            for (int i = 0; ok && i < k.length(); i++) {
                char c = k.charAt(i);
                ok = c != '=' && c != 0 && c != '\n' && c <= 0xff;
            }
            if (!ok) throw new IllegalArgumentException("late record '" + k + "' of " + Names.display(path)
                    + " is not allowed (a key of our namespace with a non-empty value)");
        }
        pax.clear();
        for (Map.Entry<String, byte[]> r : LateRecords.encode(path, records, lateKeys).entrySet())
            pax.add(r.getKey(), r.getValue());
        // the described entry's mtime: the same tree gives the same bytes, whenever it is written
        writePax((byte) 'g', GLOBAL_NAME, last != null ? last.mtimeSec() : 0);
    }

    private static final byte[] GLOBAL_NAME = Names.bytes("././@PaxGlobalHeader");
    /** Keys (wire form) earlier late headers wrote; a later one without them deletes them. */
    private final Set<String> lateKeys = new LinkedHashSet<>();

    /** Magic, version and checksum: the fields every header shares. */
    private void finishHeader() {
        System.arraycopy(MAGIC, 0, header, 257, MAGIC.length);
        Arrays.fill(header, 148, 156, (byte) ' ');
        // Every header starts zeroed and nothing past the device numbers (345) is written but
        // the ustar prefix, which starts with a name byte (never NUL) when used: a link farm's
        // header is summed over 345 bytes, eight a step (C1 neither unrolls nor drops the checks;
        // the byte loop was 4 % of an archive's CPU).
        byte[] h = header;
        int end = h[PREFIX] == 0 ? PREFIX : BLOCK, i = 0;
        long sum = 0;
        for (; i + 8 <= end; i += 8) {
            sum += (h[i] & 0xff) + (h[i + 1] & 0xff) + (h[i + 2] & 0xff) + (h[i + 3] & 0xff)
                    + (h[i + 4] & 0xff) + (h[i + 5] & 0xff) + (h[i + 6] & 0xff) + (h[i + 7] & 0xff);
        }
        for (; i < end; i++) sum += h[i] & 0xff;
        for (int j = 153; j >= 148; j--) { header[j] = (byte) ('0' + (sum & 7)); sum >>>= 3; }
        header[154] = 0;
        header[155] = ' ';
    }

    /** Where the ustar prefix field begins. */
    private static final int PREFIX = 345;
    private static final byte[] MAGIC = {'u', 's', 't', 'a', 'r', 0, '0', '0'};

    /** Copies the path (plus '/' for a directory) into {@link #name}; returns its length. */
    private int fillName(Entry e) {
        byte[] p = e.path();
        boolean dir = e.type() == EntryType.DIRECTORY && p[p.length - 1] != '/';
        int n = p.length + (dir ? 1 : 0);
        if (name.length < n) name = new byte[Math.max(n, name.length * 2)];
        System.arraycopy(p, 0, name, 0, p.length);
        if (dir) name[p.length] = '/';
        return n;
    }

    /**
     * Where to cut the name into ustar prefix and name: -1 when it fits the name field alone,
     * the index of the '/' that separates prefix (<= 155) and name (1..100), or -2 when it does
     * not fit at all (a pax path is needed).
     */
    static int splitPoint(byte[] n, int len) {
        if (len <= 100) return -1;
        if (len > 256) return -2;
        for (int i = Math.max(len - 101, 1); i <= Math.min(155, len - 2); i++)
            if (n[i] == '/') return i;
        return -2;
    }

    private static boolean isAscii(byte[] b, int len) {
        for (int i = 0; i < len; i++) if (b[i] < 0) return false;
        return true;
    }

    static byte typeFlag(EntryType t) {
        return switch (t) {
            case FILE -> '0';
            case HARDLINK -> '1';
            case SYMLINK -> '2';
            case CHAR_DEVICE -> '3';
            case BLOCK_DEVICE -> '4';
            case DIRECTORY -> '5';
            case FIFO -> '6';
        };
    }

    private static void checkNoNul(byte[] b, String what, Entry e) {
        for (byte x : b)
            if (x == 0) throw new IllegalArgumentException("NUL byte in the " + what + " of " + Names.display(e.path()));
    }

    private static void checkExtraKey(String k, Entry e) {
        // standard keys are ours to write; GNU.sparse.* would make readers expand the data
        boolean ok = !k.isEmpty() && !TarReader.STANDARD_KEYS.contains(k) && !k.startsWith("GNU.sparse.");
        for (int i = 0; ok && i < k.length(); i++) {
            char c = k.charAt(i);
            ok = c != '=' && c != 0 && c != '\n' && c <= 0xff;
        }
        if (!ok) throw new IllegalArgumentException("pax key '" + k + "' of " + Names.display(e.path())
                + " is not allowed as an extra record");
    }

    /** Data of the current entry; more than its size is an error, not a silent cut. */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        if (len == 0) return;
        if (current == null) throw new IllegalStateException("write without putEntry");
        if (len > remaining)
            throw new IOException(String.format(Locale.ROOT, "Entry '%s' is %,d bytes long: writing %,d more bytes at %,d exceeds it",
                    Names.display(current.path()), entrySize, len, entrySize - remaining));
        remaining -= len;
        emit(b, off, len);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** Ends the current entry: pads its data to the block size; throws if the data fell short. */
    public void closeEntry() throws IOException {
        ensureOpen();
        if (current == null) return;
        if (remaining != 0)
            throw new IOException(String.format(Locale.ROOT, "Entry '%s' closed at %,d of %,d bytes",
                    Names.display(current.path()), entrySize - remaining, entrySize));
        pad(entrySize);
        current = null;
    }

    /** Writes the end-of-archive marker and flushes; the underlying stream stays open. */
    public void finish() throws IOException {
        ensureOpen();
        if (finished) return;
        closeEntry();
        zeros(2 * BLOCK);
        long total = bytesWritten();
        zeros((int) ((RECORD - total % RECORD) % RECORD));
        flushBuffer();
        out.flush();
        finished = true;
    }

    @Override
    public void flush() throws IOException {
        flushBuffer();
        out.flush();
    }

    /** Finishes the archive (if not done yet) and closes the underlying stream. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        try {
            if (!finished) finish();
        } finally {
            closed = true;
            out.close();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) throw new IOException("tar stream already closed");
        if (finished) throw new IOException("tar stream already finished");
    }

    private void pad(long len) throws IOException {
        zeros((int) ((BLOCK - len % BLOCK) % BLOCK));
    }

    private void zeros(int n) throws IOException {
        while (n > 0) {
            if (bufLen == buf.length) flushBuffer();
            int k = Math.min(Math.min(n, BLOCK), buf.length - bufLen);
            System.arraycopy(ZERO_BLOCK, 0, buf, bufLen, k);
            bufLen += k;
            n -= k;
        }
    }

    private void emit(byte[] b, int off, int len) throws IOException {
        if (len >= buf.length) {
            flushBuffer();
            out.write(b, off, len);
            written += len;
            return;
        }
        if (len > buf.length - bufLen) flushBuffer();
        System.arraycopy(b, off, buf, bufLen, len);
        bufLen += len;
    }

    private void flushBuffer() throws IOException {
        if (bufLen > 0) {
            out.write(buf, 0, bufLen);
            written += bufLen;
            bufLen = 0;
        }
    }
}
