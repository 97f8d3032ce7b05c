package org.linkrescue.archive;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * Tells a sparse entry from a plain one and reads its map, in the three forms GNU tar writes
 * (libarchive's gnu_sparse_old_read, gnu_sparse_01_parse, gnu_sparse_10_read): old GNU 'S'
 * headers with their extension blocks, pax 0.1 ({@code GNU.sparse.map}) and pax 1.0 (the map
 * at the start of the stored data). Pax 0.0 (a map spread over repeated records) is refused.
 */
final class SparseHeaders {
    private static final byte[] ONE = {'1'};
    private static final byte[] ZERO = {'0'};

    private SparseHeaders() {}

    /**
     * A sparse entry: where its stored bytes go, its real size, and its real name (pax forms
     * give the entry a made-up one, {@code GNUSparseFile.N/NAME}).
     */
    record Sparse(SparseMap map, long realSize, byte[] path) {}

    /**
     * The entry's sparse map, or null when it is not sparse. Call with the stored data not yet
     * read: a pax 1.0 map is read from its start through stored.
     *
     * @param path the entry's name as its headers give it (kept unless GNU.sparse.name says otherwise)
     */
    static Sparse read(UstarHeader h, Map<String, byte[]> pax, byte[] path, BlockInput in,
                       SparseMap.Stored stored, MetadataBudget budget) throws IOException {
        long off = h.offset();
        if (h.typeFlag() == 'S' && h.magic() == UstarHeader.Magic.GNU) {
            return new Sparse(oldGnuMap(h, in, budget), h.number(483, 12, "GNU sparse real size"), path);
        }
        if (!anySparseKey(pax)) return null;
        byte[] real = pax.get("GNU.sparse.name");
        if (real != null) {
            path = TarReader.normalize(real);
            if (TarReader.indexOf(path, (byte) 0) >= 0)
                throw new TarFormatException("NUL byte in the path of the entry at byte offset " + off);
            budget.path(path, "path", off);
        }
        byte[] major = pax.get("GNU.sparse.major"), minor = pax.get("GNU.sparse.minor");
        byte[] rs = pax.get("GNU.sparse.realsize");
        if (rs == null) rs = pax.get("GNU.sparse.size");
        long realSize = rs == null ? -1 : PaxRecords.parseLong(rs);
        SparseMap map;
        if (major != null && minor != null && Arrays.equals(major, ONE) && Arrays.equals(minor, ZERO) && realSize >= 0) {
            map = SparseMap.readFrom(stored, budget, off);
        } else if (pax.get("GNU.sparse.map") != null && realSize >= 0) {
            map = SparseMap.parseList(pax.get("GNU.sparse.map"), budget, off);
        } else {
            throw new UnsupportedEntryException("sparse entry not supported (GNU sparse format 0.0): "
                    + Names.display(path), path);
        }
        return new Sparse(map, realSize, path);
    }

    /** The map of an old GNU 'S' header: 4 slots in the header, 21 per extension block. */
    private static SparseMap oldGnuMap(UstarHeader h, BlockInput in, MetadataBudget budget) throws IOException {
        SparseMap m = new SparseMap(budget, h.offset());
        byte[] header = h.block();
        for (int i = 0; i < 4; i++) m.addSlot(header, 386 + 24 * i, h.offset());
        boolean more = header[482] != 0;
        byte[] ext = new byte[BlockInput.BLOCK];
        while (more) {
            long at = in.position();
            if (in.readBlock(ext) != BlockInput.BLOCK)
                throw new TarFormatException("archive truncated in a sparse header at byte offset " + at);
            for (int i = 0; i < 21; i++) m.addSlot(ext, 24 * i, at);
            more = ext[504] != 0;
        }
        return m;
    }

    /** Whether any record is a GNU.sparse one (a loop: this runs for every header). */
    private static boolean anySparseKey(Map<String, byte[]> pax) {
        if (pax.isEmpty()) return false;
        for (String k : pax.keySet()) if (k.startsWith("GNU.sparse.")) return true;
        return false;
    }
}
