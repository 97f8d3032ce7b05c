package org.linkrescue.migrate.scan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where a resumed scan picks up: just after the path of the last entry a stopped run finished.
 * The walk's order is depth first with names sorted bytewise in each directory, so what lies at
 * or before that path is, in each directory on the way down to it, the names sorting before
 * the path's own component (skipped whole, never looked at: no lstat, no listing) and the
 * component itself (not visited again, but entered when it is a directory, since what is
 * below the last finished entry comes after it).
 */
final class ResumePoint {
    /** What the walk does with one name of a directory on the way down to the resume point. */
    enum Step {
        /** Before the point: skipped whole. */
        SKIP,
        /** An ancestor of the point: entered, not visited; still on the way down. */
        ENTER_ON_PATH,
        /** The point itself: not visited; entered if a directory, and everything in it is new. */
        ENTER_IF_DIRECTORY,
        /** After the point: walked as usual. */
        WALK
    }

    private final List<byte[]> components = new ArrayList<>();

    /** @param after the last finished entry's path; "." when only the root was */
    ResumePoint(byte[] after) {
        if (after.length == 1 && after[0] == '.') return;
        int start = 0;
        for (int i = 0; i <= after.length; i++) {
            if (i == after.length || after[i] == '/') {
                components.add(Arrays.copyOfRange(after, start, i));
                start = i + 1;
            }
        }
    }

    /** Whether every name of the root directory is new (only the root itself was finished). */
    boolean onlyRoot() { return components.isEmpty(); }

    /**
     * The point as a path below the directory that its first depth + 1 components name (".":
     * that directory is the point itself).
     */
    byte[] below(int depth) {
        if (depth + 1 >= components.size()) return new byte[] {'.'};
        int n = components.size() - depth - 2;
        for (int i = depth + 1; i < components.size(); i++) n += components.get(i).length;
        byte[] out = new byte[n];
        int at = 0;
        for (int i = depth + 1; i < components.size(); i++) {
            if (at > 0) out[at++] = '/';
            byte[] c = components.get(i);
            System.arraycopy(c, 0, out, at, c.length);
            at += c.length;
        }
        return out;
    }

    /**
     * The step for name in a directory whose path is the first depth components of the point
     * (depth 0: the root).
     */
    Step step(int depth, byte[] name) {
        byte[] c = components.get(depth);
        int cmp = Arrays.compareUnsigned(name, c);
        if (cmp < 0) return Step.SKIP;
        if (cmp > 0) return Step.WALK;
        return depth == components.size() - 1 ? Step.ENTER_IF_DIRECTORY : Step.ENTER_ON_PATH;
    }
}
