package org.linkrescue.migrate.repair;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.scan.TreeScanner;
import org.linkrescue.migrate.stream.Problems;

/**
 * One scan of SOURCE that keeps the paths of the damaged inodes and nothing else, so memory
 * follows the damage, not the tree. The scanner never crosses into another filesystem, so
 * every path found can be renamed over from a file made beside the first one.
 */
final class PathCollector {
    private final Problems problems;

    PathCollector(Problems problems) { this.problems = problems; }

    /** The damaged inodes found under sourceRoot, in the order their first path was seen. */
    List<DamagedInode> collect(byte[] sourceRoot, Set<Long> damaged) throws IOException {
        Map<Long, Stat> first = new LinkedHashMap<>();
        Map<Long, List<byte[]>> paths = new HashMap<>();
        new TreeScanner(problems).walk(sourceRoot, p -> {
            Stat st = p.stat();
            if (!st.isRegular() || !damaged.contains(st.ino())) return;
            first.putIfAbsent(st.ino(), st);
            paths.computeIfAbsent(st.ino(), k -> new ArrayList<>()).add(p.path());
        });
        List<DamagedInode> out = new ArrayList<>();
        first.forEach((ino, st) -> out.add(new DamagedInode(st, List.copyOf(paths.get(ino)))));
        return out;
    }
}
