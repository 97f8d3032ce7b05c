package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.migrate.stream.Content;
import org.linkrescue.migrate.stream.Provenance;

/**
 * Good bytes held by the test, per inode: the stand-in for the rescue reader and candidate
 * verifier, so the mechanics of repair are tested on their own. Bytes [badFrom, badTo) are said
 * to come from the "mirror", the rest from the drive.
 */
final class TestGoodData implements GoodDataSource, DamageFinder {
    record Good(byte[] bytes, long badFrom, long badTo, boolean lost) {}

    final Map<Long, Good> good = new HashMap<>();
    final Map<Long, String> none = new HashMap<>();
    /** Throw this from the middle of the content, to kill a run while the new file is written. */
    Error killWhileWriting;

    TestGoodData repairable(long ino, byte[] bytes) { good.put(ino, new Good(bytes, 0, Math.min(4096, bytes.length), false)); return this; }
    TestGoodData withLostBytes(long ino, byte[] bytes) { good.put(ino, new Good(bytes, 0, 4096, true)); return this; }
    TestGoodData noCandidate(long ino, String why) { none.put(ino, why); return this; }

    @Override public java.util.Set<Long> damagedInodes(byte[] root) {
        java.util.Set<Long> s = new java.util.TreeSet<>(good.keySet());
        s.addAll(none.keySet());
        return s;
    }

    @Override public GoodData locate(int rootFd, DamagedInode inode) {
        if (none.containsKey(inode.ino())) {
            return new GoodData.Unavailable(none.get(inode.ino()), List.of("mirror:m/x: size differs"));
        }
        Good g = good.get(inode.ino());
        return new GoodData.Ready(new TestContent(g, killWhileWriting), "mirror:test", List.of());
    }

    static final class TestContent implements Content {
        private final Good g;
        private final Error kill;
        TestContent(Good g, Error kill) { this.g = g; this.kill = kill; }

        @Override public long size() { return g.bytes.length; }

        @Override public void feed(Chunks out) throws IOException {
            int half = g.bytes.length / 2;
            out.accept(g.bytes, 0, half);
            if (kill != null) throw kill;
            out.accept(g.bytes, half, g.bytes.length - half);
        }

        @Override public Provenance provenance() {
            long n = g.bytes.length;
            return new Provenance(List.of(
                    new Provenance.Range(0, g.badTo, g.lost ? "zero" : "mirror:test"),
                    new Provenance.Range(g.badTo, n - g.badTo, "source")), g.lost);
        }
    }
}
