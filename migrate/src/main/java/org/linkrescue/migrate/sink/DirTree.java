package org.linkrescue.migrate.sink;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.Names;

/**
 * The directories the disk sink has walked into, as a tree of names, each with the metadata it
 * waits for until nothing more is made inside it. A directory is made 0700 and filled first; its
 * own mode (it may be read-only), owner and mtime (every entry made in it changes the mtime) are
 * set at the end, children before parents ({@link DirectoryFinisher}).
 *
 * <p>Each node holds its own name and its parent, never its whole path: a path N levels deep
 * costs N nodes, not N prefixes of up to N components (a 30,000-level path held 1.5 GB that
 * way). An explicit entry keeps the path it came with, for messages; an implicit directory's
 * path is put together from its parents only when a message needs it.
 */
final class DirTree {
    final Node root = new Node(null, new byte[0]);

    /** Told of each directory made only because an entry below needed it (a rescue map keeps them). */
    interface ImplicitListener {
        void implicitDir(byte[] path, int depth);
    }

    private ImplicitListener onImplicit;

    void onImplicit(ImplicitListener l) { onImplicit = l; }

    /** The cursor made node (depth levels below the root) for an entry below it. */
    void madeImplicitly(Node node, int depth) {
        node.implicit();
        if (onImplicit != null) onImplicit.implicitDir(node.path(), depth);
    }

    /** The node of path, made (with the nodes above it) on first use. */
    Node at(SafePath p) {
        Node n = root;
        for (int i = 0; i < p.count(); i++) n = n.child(p.name(i));
        return n;
    }

    /**
     * One directory. Its children are made under its lock (the sink's lanes walk into one parent
     * at once); the rest is touched by one lane at a time, in an order the lanes keep (all that
     * happens in one directory happens on one lane: {@link LaneMap}), and read at the end, once
     * the lanes have ended.
     */
    static final class Node {
        private enum Wait { NOTHING, IMPLICIT, EXPLICIT }

        final Node parent;
        final byte[] name;
        private Node first; // the first child; the rest by name once there is a second
        private Map<Name, Node> more;
        private Wait wait = Wait.NOTHING;
        private boolean made; // by this run: only then does an entry's metadata apply
        private byte[] path; // an explicit entry's path, as it came
        private int mode, uid, gid, mtimeNsec;
        private long mtimeSec;

        private Node(Node parent, byte[] name) {
            this.parent = parent;
            this.name = name;
        }

        /** The child called name, made on first use. */
        synchronized Node child(byte[] name) {
            if (first == null) return first = new Node(this, name);
            if (Arrays.equals(first.name, name)) return first;
            if (more == null) more = new LinkedHashMap<>();
            return more.computeIfAbsent(new Name(name), k -> new Node(this, name));
        }

        /** Children in the order they were first walked into. */
        Iterator<Node> children() {
            if (first == null) return Collections.emptyIterator();
            Iterator<Node> rest = more == null ? Collections.emptyIterator() : more.values().iterator();
            return new Iterator<>() {
                boolean firstGiven;

                @Override public boolean hasNext() { return !firstGiven || rest.hasNext(); }

                @Override public Node next() {
                    if (firstGiven) return rest.next();
                    firstGiven = true;
                    return first;
                }
            };
        }

        /** Made only because an entry below needed it: it gets the implicit mode, keeps its owner and times. */
        void implicit() {
            made = true;
            if (wait == Wait.NOTHING) wait = Wait.IMPLICIT;
        }

        /** Made by this run (or the target's root, empty at the start): an entry's metadata applies to it. */
        void made() { made = true; }

        /**
         * Whether this run made it. A directory that was there before (--allow-existing) keeps its
         * mode, owner, mtime and attributes: extract never changes what it did not make.
         */
        boolean isMade() { return made; }

        /** A directory entry for this directory: its metadata, over any earlier entry's. */
        void explicit(byte[] path, Entry e) {
            wait = Wait.EXPLICIT;
            this.path = path;
            mode = e.mode() & 07777;
            uid = e.uid();
            gid = e.gid();
            mtimeSec = e.mtimeSec();
            mtimeNsec = e.mtimeNsec();
        }

        boolean waits() { return wait != Wait.NOTHING; }

        boolean isExplicit() { return wait == Wait.EXPLICIT; }

        /** An explicit entry's mode, as the archive has it. */
        int mode() { return mode; }

        int uid() { return uid; }

        int gid() { return gid; }

        long mtimeSec() { return mtimeSec; }

        int mtimeNsec() { return mtimeNsec; }

        /** The path from the target's root, "." for the root; for messages (costs its depth). */
        byte[] path() {
            if (path != null) return path;
            if (parent == null) return Names.DOT;
            int len = -1;
            for (Node n = this; n.parent != null; n = n.parent) len += n.name.length + 1;
            byte[] b = new byte[len];
            int end = len;
            for (Node n = this; n.parent != null; n = n.parent) {
                System.arraycopy(n.name, 0, b, end - n.name.length, n.name.length);
                end -= n.name.length;
                if (end > 0) b[--end] = '/';
            }
            return b;
        }
    }

    /** A name as a map key. */
    private static final class Name {
        final byte[] bytes;
        final int hash;

        Name(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override public boolean equals(Object o) { return o instanceof Name n && Arrays.equals(bytes, n.bytes); }

        @Override public int hashCode() { return hash; }
    }
}
