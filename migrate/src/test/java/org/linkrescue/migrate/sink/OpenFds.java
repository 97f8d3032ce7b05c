package org.linkrescue.migrate.sink;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Counts this process's descriptors that point into one directory tree. Counting all of
 * /proc/self/fd would also count what other threads of the test JVM open and close meanwhile.
 */
final class OpenFds {
    private OpenFds() {}

    static int under(Path dir) {
        String prefix = dir.toString();
        int n = 0;
        String[] fds = new File("/proc/self/fd").list();
        if (fds == null) return 0;
        for (String fd : fds) {
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd", fd)).toString();
                if (target.equals(prefix) || target.startsWith(prefix + "/")) n++;
            } catch (NoSuchFileException e) {
                // closed meanwhile (by another thread, or the listing's own descriptor)
            } catch (IOException e) {
                n++; // a path too long to name: only the deep trees of these tests make those
            }
        }
        return n;
    }
}
