package org.linkrescue.migrate.sink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.linkrescue.archive.Names;

/**
 * Everything find(1) says about a tree, computed outside our code: type, mode, owner, size, link
 * count, inode, mtime and ctime in ns, symlink target, and a content hash. Two equal snapshots
 * mean nothing in the tree was created, removed, written, linked, chmod'ed or touched.
 */
final class TreeSnapshot {
    private TreeSnapshot() {}

    /** The snapshot of dir, leaving out the subtree at exclude (may be null). */
    static String of(Path dir, Path exclude) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("find", dir.toString()));
        if (exclude != null) cmd.addAll(List.of("-path", exclude.toString(), "-prune", "-o"));
        cmd.addAll(List.of("-printf", "%P|%y|%m|%U|%G|%s|%n|%i|%T@|%C@|%l\\n"));
        String listing = run(cmd);
        List<String> sum = new ArrayList<>(List.of("find", dir.toString()));
        if (exclude != null) sum.addAll(List.of("-path", exclude.toString(), "-prune", "-o"));
        sum.addAll(List.of("-type", "f", "-exec", "md5sum", "{}", "+"));
        String sums = run(sum).lines().sorted().reduce("", (a, b) -> a + b + "\n");
        return listing.lines().sorted().reduce("", (a, b) -> a + b + "\n") + sums;
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        int rc = p.waitFor();
        if (rc != 0) throw new IOException(cmd + " exited " + rc + ": " + out);
        return Names.latin1(out.toByteArray());
    }
}
