package org.linkrescue.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.scan.ScannedPath;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.stream.Problems;

/**
 * Paths, inodes and the hard-link partition of a tree (which paths share an inode), for the
 * demo's before/after table. Holds every linked path in memory: for small trees only.
 */
record TreeCounts(long paths, long inodes, long sharingPaths, TreeSet<String> partition) {

    static TreeCounts of(byte[] root, Problems problems) throws IOException {
        Map<Long, List<byte[]>> byInode = new HashMap<>();
        long[] paths = {0};
        new TreeScanner(problems).walk(root, new TreeScanner.Visitor() {
            @Override public void visit(ScannedPath p) {
                paths[0]++;
                byInode.computeIfAbsent(p.stat().ino(), k -> new ArrayList<>()).add(p.path());
            }
        });
        long sharing = 0;
        TreeSet<String> partition = new TreeSet<>();
        for (List<byte[]> group : byInode.values()) {
            if (group.size() < 2) continue;
            sharing += group.size();
            TreeSet<String> names = new TreeSet<>();
            for (byte[] p : group) names.add(Names.display(p));
            partition.add(String.join(" = ", names));
        }
        return new TreeCounts(paths[0], byInode.size(), sharing, partition);
    }
}
