package org.linkrescue.archive;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Records of our own namespace about an entry whose header is already written: what became
 * known only while its data streamed (a large file found damaged half-way). {@link TarWriter}
 * puts them in a pax GLOBAL header ('g') right after the entry's data; {@link TarReader} hands
 * them to its caller and never applies them to the entries that follow.
 *
 * <p>The wire format (this class is its one definition): the 'g' header holds
 * {@code LINKRESCUE.late.path=<the entry's path, raw bytes>} and, for every record
 * {@code LINKRESCUE.X=V} given here, {@code LINKRESCUE.late.X=V}. Why a global header and why
 * the ".late." keys:
 * <ul>
 * <li>A 'g' header is the one pax header that may stand between two entries without being
 *     part of either. GNU tar 1.34 stores the unknown keywords of a 'g' header and applies only
 *     the ones it knows to later entries: it extracts the same tree and does not even warn
 *     (--warning=all included). bsdtar 3.6.2 skips 'g' headers whole. Measured with both (see
 *     PeerLateRecordsTest).</li>
 * <li>POSIX says a 'g' record applies to every entry that follows. A reader that does just that
 *     (commons-compress, or a linkrescue older than this format) must not take the next
 *     thousand files for damaged: so the keys are not the in-header ones
 *     ({@code LINKRESCUE.damaged}...) but {@code LINKRESCUE.late.*}, which no one reads as
 *     provenance of the entry they are attached to, and each late header names its entry.</li>
 * <li>A key that an earlier late header had and this one lacks is written with an empty
 *     value, which in POSIX deletes it: such a reader never combines one entry's path with
 *     another entry's hash.</li>
 * <li>The header is named "././@PaxGlobalHeader" with the entry's mtime (so the same tree gives
 *     the same bytes): a reader that knows no pax at all makes a file "@PaxGlobalHeader" of it,
 *     as it does "@PaxHeader" of our 'x' headers.</li>
 * <li>No {@code hdrcharset} record: in a global header it would set the charset of every later
 *     entry's names; and it only ever governs the standard name keywords. The path value of our
 *     own key is raw bytes by definition, like every value of this namespace.</li>
 * </ul>
 *
 * @param path    the path of the entry described (as {@link Entry#path()})
 * @param records the in-header form of the records, e.g. {@code LINKRESCUE.damaged=1}; values
 *                are raw bytes, never empty
 */
public record LateRecords(byte[] path, Map<String, byte[]> records) {
    /** Our namespace; the only keys a late header may carry. */
    public static final String NAMESPACE = "LINKRESCUE.";
    static final String LATE = NAMESPACE + "late.";
    static final String PATH_KEY = LATE + "path";

    public LateRecords {
        records = Collections.unmodifiableMap(new LinkedHashMap<>(records));
    }

    /** True for a key of a 'g' header that belongs to a late header (not applied to later entries). */
    static boolean isLateKey(String key) {
        return key.startsWith(LATE);
    }

    /**
     * The body records of a late header for path, in write order: the path first, then the
     * records, then an empty value for each key of an earlier late header not repeated here.
     *
     * @param earlier keys (wire form) written by earlier late headers; updated
     */
    static Map<String, byte[]> encode(byte[] path, Map<String, byte[]> records, Set<String> earlier) {
        Map<String, byte[]> wire = new LinkedHashMap<>();
        wire.put(PATH_KEY, path);
        for (Map.Entry<String, byte[]> r : records.entrySet())
            wire.put(LATE + r.getKey().substring(NAMESPACE.length()), r.getValue());
        for (String k : earlier) wire.putIfAbsent(k, Entry.EMPTY);
        earlier.addAll(wire.keySet());
        return wire;
    }

    /**
     * The late records among a 'g' header's records, or null when it has none. Empty values
     * (deletions, for readers that apply global records) are left out.
     *
     * @throws TarFormatException late records without a path, or a path that is empty or holds a NUL
     */
    static LateRecords decode(Map<String, byte[]> global, long off) throws TarFormatException {
        Map<String, byte[]> records = new LinkedHashMap<>();
        byte[] path = null;
        boolean any = false;
        for (Map.Entry<String, byte[]> r : global.entrySet()) {
            if (!isLateKey(r.getKey())) continue;
            any = true;
            if (r.getKey().equals(PATH_KEY)) path = r.getValue();
            else if (r.getValue().length > 0) records.put(NAMESPACE + r.getKey().substring(LATE.length()), r.getValue());
        }
        if (!any) return null;
        if (path == null || path.length == 0)
            throw new TarFormatException("pax global header at byte offset " + off + " carries " + LATE
                    + "* records without the path they describe");
        for (byte x : path)
            if (x == 0) throw new TarFormatException("NUL byte in the " + PATH_KEY + " record at byte offset " + off);
        return new LateRecords(TarReader.normalize(path), records);
    }

    @Override public String toString() { return "late records of " + Names.display(path) + ": " + records.keySet(); }
}
