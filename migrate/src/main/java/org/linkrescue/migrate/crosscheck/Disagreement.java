package org.linkrescue.migrate.crosscheck;

import java.util.List;
import org.linkrescue.migrate.drive.ByteRange;

/**
 * Bytes of one inode where SOURCE and its copies do not all agree, block by block.
 *
 * @param range         whole blocks (the last one cut at the end of the file)
 * @param differingBytes bytes of the range in which SOURCE differs from the first copy that differs
 * @param zeros         who holds zeros in every byte of the range: "SOURCE", copies' names, or empty
 * @param agreement     with two copies or more, who agrees ("mirror and original agree; SOURCE differs"); else null
 * @param sourceZeros   SOURCE holds zeros in every block of the range while a copy does not: the
 *                      mark of a ddrescue hole or a zeroed sector, which migrate --cross-check treats as bad
 */
public record Disagreement(ByteRange range, long differingBytes, List<String> zeros, String agreement, boolean sourceZeros) {
    public Disagreement {
        zeros = List.copyOf(zeros);
    }

    /** "4096-8191: 16 bytes differ; SOURCE holds zeros; mirror and original agree, SOURCE differs" */
    @Override public String toString() {
        return range + ": " + differingBytes + (differingBytes == 1 ? " byte differs" : " bytes differ") + (zeros.isEmpty() ? "" : "; " + String.join(" and ", zeros)
                + (zeros.size() == 1 ? " holds" : " hold") + " zeros") + (agreement == null ? "" : "; " + agreement);
    }
}
