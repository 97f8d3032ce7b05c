package org.linkrescue.cli;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A small snapshot farm made with the user's real commands (cp -al, then rsync -aH --delete
 * from a live tree), with awkward entries: non-UTF-8 and newline names, a path over 4096
 * bytes, symlinks of every kind, a FIFO, a device, setuid and read-only modes, ns mtimes.
 */
final class SnapshotFixture {
    private SnapshotFixture() {}

    static final String SCRIPT = String.join("\n",
            "set -eu",
            "cd \"$1\"",
            "mkdir -p live/docs live/photos 'live/empty dir'",
            "printf 'report\\n%.0s' $(seq 1 300) > live/docs/report.txt",
            "printf 'notes\\n' > live/docs/notes.txt",
            "head -c 200000 /dev/urandom > live/photos/big.bin",
            "printf 'latin1\\n' > live/$'caf\\xe9'",
            "printf 'nl\\n' > live/$'new\\nline\\ttab'",
            "printf 'utf8\\n' > live/$'\\xe6\\x97\\xa5\\xe6\\x9c\\xac'",
            "printf 'x\\n' > live/$(printf 'n%.0s' $(seq 1 255))",
            "ln -s docs/notes.txt live/rel-link; ln -s /etc/hostname live/abs-link; ln -s nowhere live/dangling; ln -s docs live/dir-link",
            "mkfifo live/fifo; mknod live/null c 1 3",
            "printf 's\\n' > live/setuid; chmod 4755 live/setuid",
            "mkdir live/ro; printf 'r\\n' > live/ro/f; chmod 555 live/ro",
            "touch -d '2023-05-06 07:08:09.123456789' live/docs/notes.txt",
            "mkdir snaps",
            "rsync -aH --delete live/ snaps/2024-01-01/",
            "printf 'more notes\\n' >> live/docs/notes.txt; printf 'new\\n' > live/added.txt",
            "cp -al snaps/2024-01-01 snaps/2024-01-02; rsync -aH --delete live/ snaps/2024-01-02/",
            "rm live/docs/report.txt; printf 'latin1 v2\\n' > live/$'caf\\xe9'",
            "cp -al snaps/2024-01-02 snaps/2024-01-03; rsync -aH --delete live/ snaps/2024-01-03/",
            "cp -al snaps/2024-01-03 snaps/2024-01-04",
            // Neither rsync nor cp copies a path over 4096 bytes ("filename overflows max-path
            // len"): the deep path is made in the newest snapshot only, with relative mkdir steps.
            "[ \"$2\" = deep ] || exit 0",
            "( cd snaps/2024-01-04; for i in $(seq 1 20); do d=$(printf 'd%.0s' $(seq 1 250)); mkdir $d; cd $d; done; printf 'deep\\n' > deep.txt )",
            "touch -d '2022-01-01 00:00:00.5' snaps/2024-01-04");

    /** Builds base/live and base/snaps; returns base/snaps. */
    static Path build(Path base) throws IOException, InterruptedException {
        return build(base, true);
    }

    /**
     * @param deepPath whether the newest snapshot gets the path over 4096 bytes: GNU tar cannot
     *                 extract one ("Cannot mkdir: File name too long"), whoever made the archive
     */
    static Path build(Path base, boolean deepPath) throws IOException, InterruptedException {
        CliTestSupport.sh(base, "bash", "-c", SCRIPT, "fixture", base.toString(), deepPath ? "deep" : "");
        return base.resolve("snaps");
    }
}
