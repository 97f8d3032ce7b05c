package org.linkrescue.migrate.rescue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.linkrescue.migrate.drive.BadRanges;
import org.linkrescue.migrate.drive.ByteRange;
import org.linkrescue.migrate.stream.PendingFiles.PendingFile;

/**
 * Pass 4 for one damaged inode: its candidates through every path it has (all known by now),
 * each checked as the inline rescue checks them ({@link CandidateVerifier}: type, size, mtime,
 * every byte the drive gave) against the bytes the sink holds for it, the first accepted one's
 * bytes written into its bad ranges in place. A candidate's bytes wait in a spool until it is
 * accepted, so a rejected one never lands in the file.
 */
final class SplicePass {
    private static final int CHUNK = 1 << 20;

    private final CandidateFinder finder;
    private final CandidateVerifier verifier;
    private final Path spoolDir;

    SplicePass(CandidateFinder finder, CandidateVerifier verifier, Path spoolDir) {
        this.finder = finder;
        this.verifier = verifier;
        this.spoolDir = spoolDir;
    }

    /** Tries the candidates of p in order until one is accepted (its bytes then in file); returns every verdict. */
    List<Verdict> splice(PendingInode p, PendingFile file, BadRanges bad) throws IOException {
        List<Verdict> verdicts = new ArrayList<>();
        if (bad.isEmpty()) return verdicts;
        try (Spool fill = new Spool(spoolDir)) {
            DamagedBytes bytes = new DamagedBytes() {
                @Override public void read(long off, byte[] b, int from, int len) throws IOException { file.read(off, b, from, len); }
                @Override public void fill(long off, byte[] b, int from, int len) throws IOException { fill.write(off, b, from, len); }
            };
            for (Candidate c : finder.candidates(p.paths())) {
                Verdict v = verifier.verify(c, p.stat(), bytes, bad, new BadRanges());
                verdicts.add(v);
                if (v.accepted()) {
                    copy(fill, file, bad);
                    break;
                }
            }
        }
        return verdicts;
    }

    /** The accepted candidate's bytes for the bad ranges, into the file. */
    private static void copy(Spool fill, PendingFile file, BadRanges bad) throws IOException {
        byte[] buf = new byte[CHUNK];
        for (ByteRange r : bad.list()) {
            for (long off = r.offset(); off < r.end(); ) {
                int n = (int) Math.min(buf.length, r.end() - off);
                fill.read(off, buf, 0, n);
                file.write(off, buf, 0, n);
                off += n;
            }
        }
    }

    /** The hex SHA-256 of the file's size bytes as the sink holds them now. */
    static String sha256(PendingFile file, long size) throws IOException {
        MessageDigest md = RescueContent.sha256Digest();
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(1, size))];
        for (long off = 0; off < size; ) {
            int n = (int) Math.min(buf.length, size - off);
            file.read(off, buf, 0, n);
            md.update(buf, 0, n);
            off += n;
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
