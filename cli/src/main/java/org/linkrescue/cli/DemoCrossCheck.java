package org.linkrescue.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The demo's part the user can run again: the damage written into the snapshots for real, as a
 * ddrescue image of the failing drive holds it (zeros where the drive could not be read, the
 * files' sizes and times unchanged), and the very command the demo prints run through the
 * command line, so the same command typed by hand gives the same result.
 */
final class DemoCrossCheck {
    private final Console console;

    DemoCrossCheck(Console console) { this.console = console; }

    /** A 4 KiB block of zeros in a file, hard-linked or not; returns the block's offset. */
    record Hole(Path file, long offset) {}

    /** Returns whether every file came out as the demo says it should. */
    boolean run(Path dir, Path backups, Path mirror, Path live, Hole fromMirror, Hole fromLive, Hole noCopy) throws IOException {
        PrintStream out = console.out();
        Path rescued = dir.resolve("rescued-image"), report = dir.resolve("rescue.json");
        for (Hole h : List.of(fromMirror, fromLive, noCopy)) zero(h);
        out.println("7. The same damage for real, as a ddrescue image of the drive holds it: the three blocks");
        out.println("   are now zeros in " + shown(backups) + " (sizes and times unchanged). Nothing fails to read,");
        out.println("   so only a comparison with the copies finds it: --cross-check. This is the command, run as is:");
        List<String> args = new ArrayList<>(List.of("migrate", "--cross-check", "--alternate", "mirror=" + mirror,
                "--alternate", "original=" + live, "--report", report.toString(), backups.toString(), rescued.toString()));
        StringBuilder typed = new StringBuilder("   $ linkrescue");
        for (String a : args) typed.append(' ').append(quote(a));
        out.println(typed);
        out.flush();
        int code = Main.commandLine(console).execute(args.toArray(String[]::new));
        console.err().flush();
        out.println("   (exit " + code + ")");
        boolean mirrorOk = sameBytes(original(fromMirror, live, backups), rescued.resolve(backups.relativize(fromMirror.file())));
        boolean liveOk = sameBytes(original(fromLive, live, backups), rescued.resolve(backups.relativize(fromLive.file())));
        boolean zerosKept = isZeros(rescued.resolve(backups.relativize(noCopy.file())), noCopy.offset());
        out.println("   The linked photo's zeros were spliced from the mirror: " + yes(mirrorOk));
        out.println("   The newer photo's from the live data: " + yes(liveOk));
        out.println("   The deleted photo has no copy to compare with: its zeros cannot be told from data and are");
        out.println("   kept (the cross-check line counts it 'without a copy'); on the real drive its read error");
        out.println("   named it, as step 6 showed: " + yes(zerosKept));
        out.println("   Run it yourself: rm -rf " + quote(rescued.toString()) + " and the command above.");
        return code == ExitCodes.OK && mirrorOk && liveOk && zerosKept;
    }

    /** The block's bytes as they were: the live data holds the photo, at the same place under the snapshot. */
    private static Path original(Hole h, Path live, Path backups) {
        Path rel = backups.relativize(h.file());
        return live.resolve(rel.subpath(1, rel.getNameCount()));
    }

    private static void zero(Hole h) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(h.file(), LinkOption.NOFOLLOW_LINKS);
        try (FileChannel c = FileChannel.open(h.file(), StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.allocate(4096), h.offset());
        }
        Files.setLastModifiedTime(h.file(), mtime);
    }

    private static boolean isZeros(Path p, long offset) throws IOException {
        byte[] b = Files.readAllBytes(p);
        return Arrays.equals(Arrays.copyOfRange(b, (int) offset, (int) offset + 4096), new byte[4096]);
    }

    private static boolean sameBytes(Path a, Path b) throws IOException {
        return Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    /** A word as a shell reads it back: as is when plain, else in single quotes. */
    private static String quote(String word) {
        String shown = Args.display(word);
        return shown.matches("[A-Za-z0-9_./=:,+@%-]+") ? shown : "'" + shown.replace("'", "'\\''") + "'";
    }

    private static String yes(boolean b) { return b ? "yes" : "NO (a bug in linkrescue)"; }

    private static String shown(Path p) { return Args.display(p.toString()); }
}
