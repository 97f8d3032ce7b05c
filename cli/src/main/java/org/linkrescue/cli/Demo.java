package org.linkrescue.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.linkrescue.migrate.report.ProblemLog;

/**
 * linkrescue demo: a snapshot farm made like the user's, migrated, and the proof that the
 * links survived. Needs nothing but the JDK: no rsync, no root.
 */
final class Demo {
    private final Console console;

    Demo(Console console) { this.console = console; }

    int run() throws IOException {
        PrintStream out = console.out();
        Path dir = Files.createTempDirectory("linkrescue-demo-");
        Path live = dir.resolve("live"), backups = dir.resolve("backups"), copy = dir.resolve("migrated");
        out.println("linkrescue demo, working in " + shown(dir));
        out.println();
        DemoSnapshots snapshots = new DemoSnapshots(live, backups);
        List<String> dates = snapshots.build();
        out.println("1. Built " + dates.size() + " daily snapshots in " + shown(backups) + ", each made like");
        out.println("   `cp -al <previous> <date>` then `rsync -a --delete live/ <date>/`:");
        out.println("   unchanged files are hard links shared by every snapshot; odd names included");
        out.println("   (a Latin-1 name that is not UTF-8, a newline in a name, a UTF-8 name).");
        out.println();
        ProblemLog quiet = new ProblemLog(console.err());
        TreeCounts before = TreeCounts.of(Args.bytes(backups.toString()), quiet);

        out.println("2. $ linkrescue migrate " + shown(backups) + " " + shown(copy));
        out.flush();
        int code = Main.commandLine(console).execute("migrate", "--quiet", backups.toString(), copy.toString());
        out.println();
        if (code != ExitCodes.OK) {
            out.println("The migration did not come through (exit " + code + "); see the messages above.");
            return code;
        }
        TreeCounts after = TreeCounts.of(Args.bytes(copy.toString()), quiet);
        out.println("3. What `find -printf '%i %p'` would tell you, counted:");
        out.println(String.format(Locale.ROOT, "   %-28s %10s %10s", "", "before", "after"));
        row(out, "paths", before.paths(), after.paths());
        row(out, "inodes", before.inodes(), after.inodes());
        row(out, "paths sharing an inode", before.sharingPaths(), after.sharingPaths());
        boolean same = before.partition().equals(after.partition()) && before.paths() == after.paths();
        out.println();
        out.println(same
                ? "   The same paths share an inode after as before: every hard link survived,"
                        + "\n   so the copy takes the space of " + after.inodes() + " inodes, not " + after.paths() + " paths."
                : "   The link structure DIFFERS: this is a bug in linkrescue.");
        out.println();
        out.println("4. The files: snapshots " + shown(backups) + ", copy " + shown(copy) + ".");
        out.println("   Try: ls -li " + shown(copy.resolve(dates.get(0)).resolve("photos")) + " "
                + shown(copy.resolve(dates.get(dates.size() - 1)).resolve("photos")));
        out.println();
        boolean rescued = new DemoRescue(console).run(dir, backups, live, snapshots, dates);
        out.println();
        out.println("Everything is in " + shown(dir) + "; remove it with: rm -rf " + shown(dir));
        return same && rescued ? ExitCodes.OK : ExitCodes.FATAL;
    }

    private static void row(PrintStream out, String what, long a, long b) {
        out.println(String.format(Locale.ROOT, "   %-28s %10d %10d", what, a, b));
    }

    private static String shown(Path p) { return Args.display(p.toString()); }
}
