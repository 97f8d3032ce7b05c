package org.linkrescue.archive;

import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The headers in front of an entry's own header (libarchive's tar_read_header loop): pax 'x'
 * records for this entry, pax 'g' records for every later one (the global map), GNU 'L'/'K'
 * long names; and the end of the archive. Every header's checksum is checked here. Late
 * records (a 'g' header about the entry before, see {@link LateRecords}) go to the listener,
 * never into the global map.
 */
final class HeaderChain {
    /**
     * What leads up to one entry: its own header, and what the headers before it said.
     *
     * @param local    pax 'x' records (null when there were none)
     * @param longName GNU 'L' (null when none)
     * @param longLink GNU 'K' (null when none)
     */
    record Headers(UstarHeader header, Map<String, byte[]> local, byte[] longName, byte[] longLink) {}

    private final BlockInput in;
    private final MetadataBudget budget;
    private final byte[] block = new byte[BlockInput.BLOCK];
    private final Map<String, byte[]> global = new LinkedHashMap<>();
    private Consumer<LateRecords> lateListener;

    HeaderChain(BlockInput in, MetadataBudget budget) {
        this.in = in;
        this.budget = budget;
    }

    void onLateRecords(Consumer<LateRecords> l) { this.lateListener = l; }

    /**
     * Reads up to and including the next entry's own header; null at the end of the archive
     * (two zero blocks, or end of input right after one; the rest of the record is consumed).
     * The header is valid until the next call.
     */
    Headers next() throws IOException {
        Map<String, byte[]> local = null;
        byte[] longName = null;
        byte[] longLink = null;
        budget.startEntry();
        while (true) {
            long off = in.position();
            int n = in.readBlock(block);
            if (n == 0) {
                throw new TarFormatException("archive ends at byte offset " + off
                        + " without an end-of-archive marker (truncated?)");
            }
            if (n < BlockInput.BLOCK) throw new TarFormatException("archive truncated in a header at byte offset " + off);
            if (UstarHeader.isZero(block)) {
                long off2 = in.position();
                int m = in.readBlock(block);
                if (m == 0 || (m == BlockInput.BLOCK && UstarHeader.isZero(block))) {
                    if (local != null || longName != null || longLink != null)
                        throw new TarFormatException("archive ends at byte offset " + off
                                + " after an extended header without its entry");
                    in.drainRecord();
                    return null;
                }
                if (m < BlockInput.BLOCK) throw new TarFormatException("archive truncated in a header at byte offset " + off2);
                off = off2; // a lone zero block (GNU tar warns and goes on; so do we)
            }
            UstarHeader.checkChecksum(block, off);
            UstarHeader h = new UstarHeader(block, off);
            long size = h.size();
            switch (h.typeFlag()) {
                case 'x' -> {
                    Map<String, byte[]> m = parsePax(readMeta(size, off, "pax header", true), off);
                    if (local == null) local = new LinkedHashMap<>();
                    local.putAll(m);
                }
                case 'g' -> global(parsePax(readMeta(size, off, "pax global header", false), off), off);
                case 'L' -> longName = gnuLongName(readMeta(size, off, "GNU long name", true), off);
                case 'K' -> longLink = gnuLongName(readMeta(size, off, "GNU long link name", true), off);
                default -> {
                    return new Headers(h, local, longName, longLink);
                }
            }
        }
    }

    /** The records in force for an entry: the global map with its local records over it. */
    Map<String, byte[]> records(Map<String, byte[]> local) {
        if (global.isEmpty() && local == null) return Map.of();
        Map<String, byte[]> m = new LinkedHashMap<>(global);
        if (local != null) {
            for (Map.Entry<String, byte[]> r : local.entrySet()) {
                if (r.getValue().length == 0) m.remove(r.getKey()); // "key=" means: use the header's value
                else m.put(r.getKey(), r.getValue());
            }
        }
        return m;
    }

    private void global(Map<String, byte[]> g, long off) throws TarFormatException {
        LateRecords late = LateRecords.decode(g, off);
        for (Map.Entry<String, byte[]> r : g.entrySet()) {
            if (LateRecords.isLateKey(r.getKey())) continue; // about an earlier entry only
            if (r.getValue().length == 0) global.remove(r.getKey());
            else global.put(r.getKey(), r.getValue());
        }
        budget.globalRecords(global, off);
        if (late != null && lateListener != null) lateListener.accept(late);
    }

    /**
     * Reads a whole metadata block ('x', 'g', 'L', 'K') of size bytes plus padding.
     *
     * @param forEntry its bytes are held for the entry being read (not a global header)
     */
    private byte[] readMeta(long size, long off, String what, boolean forEntry) throws IOException {
        budget.header(size, what, off, forEntry);
        byte[] b = new byte[(int) size];
        long pad = (BlockInput.BLOCK - size % BlockInput.BLOCK) % BlockInput.BLOCK;
        if (!in.readFully(b, b.length) || in.skip(pad) < pad)
            throw new TarFormatException("archive truncated in a " + what + " at byte offset " + off);
        return b;
    }

    private static Map<String, byte[]> parsePax(byte[] body, long off) throws TarFormatException {
        Map<String, byte[]> m = PaxRecords.parse(body, body.length);
        if (m == null) throw new TarFormatException("malformed pax record in the header at byte offset " + off);
        return m;
    }

    /** A GNU long name is NUL-terminated; anything but NULs after the first NUL is hostile. */
    private static byte[] gnuLongName(byte[] b, long off) throws TarFormatException {
        int n = TarReader.indexOf(b, (byte) 0);
        if (n < 0) return b;
        for (int i = n; i < b.length; i++)
            if (b[i] != 0) throw new TarFormatException("NUL byte in the GNU long name at byte offset " + off);
        return Arrays.copyOf(b, n);
    }
}
