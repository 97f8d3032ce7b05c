package org.linkrescue.migrate.sink;

import java.util.Arrays;
import org.linkrescue.archive.Names;

/**
 * A path from the stream, cleaned and checked before anything touches the disk: relative, no
 * ".." component, no NUL byte, not empty. "." components and repeated or trailing slashes are
 * dropped, so two spellings of one path compare equal byte for byte. The root of the tree has
 * no components. Components are kept as end offsets into one array, so comparing prefixes and
 * walking costs no allocation beyond the one name each system call needs.
 */
final class SafePath {
    static final SafePath ROOT = new SafePath(new byte[0], new int[0]);

    private final byte[] bytes;
    private final int[] ends;
    /** {@link CreatedPaths#hash} of bytes, once asked (a link's target is looked up twice, on two threads maybe). */
    private long hash;
    private volatile boolean hashed;

    private SafePath(byte[] bytes, int[] ends) {
        this.bytes = bytes;
        this.ends = ends;
    }

    /** Cleans raw, or says why it is refused (fail closed: anything odd is a refusal). */
    static SafePath parse(byte[] raw) throws Refused {
        if (raw.length == 0) throw new Refused("empty path");
        if (raw[0] == '/') throw new Refused("absolute path");
        int count = 0;
        boolean canonical = true;
        for (int i = 0; i < raw.length; ) {
            int s = i;
            while (i < raw.length && raw[i] != '/') {
                if (raw[i] == 0) throw new Refused("NUL byte in path");
                i++;
            }
            int len = i - s;
            if (len == 2 && raw[s] == '.' && raw[s + 1] == '.') throw new Refused("'..' component in path");
            if (len == 0 || (len == 1 && raw[s] == '.')) canonical = false;
            else count++;
            if (i < raw.length) {
                i++;
                if (i == raw.length) canonical = false; // trailing slash
            }
        }
        if (count == 0) return ROOT;
        int[] ends = new int[count];
        byte[] out = canonical ? raw : new byte[raw.length];
        int o = 0, k = 0;
        for (int i = 0; i < raw.length; ) {
            int s = i;
            while (i < raw.length && raw[i] != '/') i++;
            int len = i - s;
            if (i < raw.length) i++;
            if (len == 0 || (len == 1 && raw[s] == '.')) continue;
            if (k > 0) {
                if (!canonical) out[o] = '/';
                o++;
            }
            if (!canonical) System.arraycopy(raw, s, out, o, len);
            o += len;
            ends[k++] = o;
        }
        return new SafePath(canonical ? raw : Arrays.copyOf(out, o), ends);
    }

    boolean isRoot() { return ends.length == 0; }

    /** {@link CreatedPaths#hash} of {@link #bytes}, computed once. */
    long hash() {
        if (hashed) return hash;
        long h = CreatedPaths.hash(bytes);
        hash = h;
        hashed = true; // a volatile write after the plain one: who sees hashed sees hash
        return h;
    }

    int count() { return ends.length; }

    /** The cleaned path, "a/b/c"; empty for the root. */
    byte[] bytes() { return bytes; }

    int start(int i) { return i == 0 ? 0 : ends[i - 1] + 1; }

    int end(int i) { return ends[i]; }

    /** Component i as its own array, for a system call. */
    byte[] name(int i) { return Arrays.copyOfRange(bytes, start(i), ends[i]); }

    byte[] lastName() { return name(ends.length - 1); }

    /** Whether o's last component is this one's (a file linked from its copy in the snapshot before has its name). */
    boolean sameLastName(SafePath o) {
        int i = ends.length - 1, j = o.ends.length - 1;
        if (i < 0 || j < 0) return false;
        return Arrays.equals(bytes, start(i), ends[i], o.bytes, o.start(j), o.ends[j]);
    }

    /** The last component NUL-terminated, for a system call that takes it as it is ({@link org.linkrescue.migrate.fs.Posix#linkAtZ}). */
    byte[] lastNameZ() {
        int i = ends.length - 1, s = start(i);
        byte[] z = new byte[ends[i] - s + 1];
        System.arraycopy(bytes, s, z, 0, z.length - 1);
        return z;
    }

    /** The first n components, "a/b", as a new array (for messages and queued fix-ups). */
    byte[] prefix(int n) { return n == 0 ? Names.DOT : Arrays.copyOf(bytes, ends[n - 1]); }

    /** For messages: the cleaned path, "." for the root. */
    @Override public String toString() { return Names.display(isRoot() ? Names.DOT : bytes); }
}
