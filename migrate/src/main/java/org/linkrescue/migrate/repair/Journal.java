package org.linkrescue.migrate.repair;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Errno;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;

/**
 * The repair's journal: an append-only text file, one record per line, each line written and
 * fsynced before the change it announces. Names are hex so any byte survives. A run that was
 * killed leaves it behind; the next run reads it back ({@link #read}) and completes the work.
 *
 * <pre>
 * linkrescue-repair-journal 1
 * source DEV INO                       SOURCE's root directory: a journal only resumes its own tree
 * jdir ASEC ANSEC MSEC MNSEC           the journal's directory's times before the journal was made
 * begin OLDINO TEMPDIR TEMPNAME N      the new file's temp name (TEMPDIR "-" = SOURCE itself)
 * path OLDINO K PATH                   N of these, K = 0..N-1
 * dir OLDINO DIR ASEC ANSEC MSEC MNSEC  times of a directory the repair will touch, put back at the end
 * created OLDINO NEWINO                the new inode is complete: data, metadata, fsynced
 * moved OLDINO K                       path K now names NEWINO
 * stayed OLDINO K                      path K stays on OLDINO (refused link, changed path)
 * done OLDINO                          every path handled, temp names removed
 * </pre>
 *
 * The per-path records are a history for people; resuming decides by looking at each path's
 * inode, since a kill can fall between a rename and its record. A last line without its newline
 * is a write the kill cut short, and is ignored.
 */
final class Journal implements AutoCloseable {
    static final String MAGIC = "linkrescue-repair-journal 1";
    /** The default journal's name, at the top of SOURCE. */
    static final byte[] DEFAULT_NAME = Names.bytes(".linkrescue-repair.journal");
    private static final HexFormat HEX = HexFormat.of();
    /** Same value on x86_64 and aarch64 (asm-generic). */
    private static final int O_APPEND = 02000;

    private final byte[] file;
    private final long[] dirTimes;
    private int fd;

    private Journal(byte[] file, int fd, long[] dirTimes) {
        this.file = file;
        this.fd = fd;
        this.dirTimes = dirTimes;
    }

    /** The journal's directory's times before the journal was made (atime s, ns, mtime s, ns). */
    long[] dirTimes() { return dirTimes; }

    /** Creates a new journal (refusing to overwrite one) and makes its existence durable. */
    static Journal create(byte[] file, long sourceDev, long sourceIno) throws IOException {
        long[] t = timesOfDirOf(file);
        int fd = Posix.openat(Posix.AT_FDCWD, file,
                Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW, 0600);
        Journal j = new Journal(file, fd, t);
        j.append(MAGIC + "\nsource " + sourceDev + " " + sourceIno + "\njdir " + t[0] + " " + t[1] + " " + t[2] + " " + t[3] + "\n");
        fsyncDirOf(file);
        return j;
    }

    void begin(long oldIno, byte[] tempDir, byte[] tempName, List<byte[]> paths, List<DirTimes> dirs) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("begin ").append(oldIno).append(' ').append(hex(tempDir)).append(' ')
                .append(hex(tempName)).append(' ').append(paths.size()).append('\n');
        for (int k = 0; k < paths.size(); k++) {
            sb.append("path ").append(oldIno).append(' ').append(k).append(' ').append(hex(paths.get(k))).append('\n');
        }
        for (DirTimes d : dirs) {
            sb.append("dir ").append(oldIno).append(' ').append(hex(d.dir())).append(' ').append(d.atimeSec()).append(' ')
                    .append(d.atimeNsec()).append(' ').append(d.mtimeSec()).append(' ').append(d.mtimeNsec()).append('\n');
        }
        append(sb.toString());
    }

    void created(long oldIno, long newIno) throws IOException { append("created " + oldIno + " " + newIno + "\n"); }
    void moved(long oldIno, int k) throws IOException { append("moved " + oldIno + " " + k + "\n"); }
    void stayed(long oldIno, int k) throws IOException { append("stayed " + oldIno + " " + k + "\n"); }
    void done(long oldIno) throws IOException { append("done " + oldIno + "\n"); }

    private void append(String lines) throws IOException {
        byte[] b = lines.getBytes(StandardCharsets.US_ASCII);
        Posix.writeFully(fd, b, 0, b.length);
        Posix.fsync(fd);
    }

    /** Opens a killed run's journal to add the records of its completion. */
    static Journal reopen(byte[] file) throws IOException {
        return new Journal(file, Posix.openat(Posix.AT_FDCWD, file, Posix.O_WRONLY | O_APPEND | Posix.O_NOFOLLOW, 0), null);
    }


    @Override public void close() {
        Posix.close(fd);
        fd = -1;
    }

    static boolean exists(byte[] file) throws PosixException {
        try {
            Posix.lstatAt(Posix.AT_FDCWD, file);
            return true;
        } catch (PosixException e) {
            if (e.errno() == Errno.ENOENT) return false;
            throw e;
        }
    }

    /**
     * Everything the journal promised is done: it goes, durably, and its directory gets back
     * the times it had before the journal came (when known).
     */
    static void removeFile(byte[] file, long[] dirTimes) throws IOException {
        Posix.unlinkAt(Posix.AT_FDCWD, file, 0);
        int d = openDirOf(file);
        try {
            if (dirTimes != null) Posix.futimens(d, dirTimes[0], (int) dirTimes[1], dirTimes[2], (int) dirTimes[3]);
            Posix.fsync(d);
        } finally {
            Posix.close(d);
        }
    }

    private static long[] timesOfDirOf(byte[] file) throws PosixException {
        int d = openDirOf(file);
        try {
            var st = Posix.fstat(d);
            return new long[] {st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec()};
        } finally {
            Posix.close(d);
        }
    }

    /** One inode's story as the journal tells it. newIno is -1 until "created". */
    record Entry(long oldIno, byte[] tempDir, byte[] tempName, List<byte[]> paths, List<DirTimes> dirs, long newIno,
                 BitSet moved, BitSet stayed, boolean done) {}

    /** What a journal file says: the source it belongs to and its inodes, in order. */
    record Contents(long sourceDev, long sourceIno, long[] jdirTimes, List<Entry> entries) {}

    /** Reads a journal back; a journal that does not parse is refused (a person must look). */
    static Contents read(byte[] file) throws IOException {
        byte[] all = readAll(file);
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.lastIndexOf('\n');
        String[] lines = end < 0 ? new String[0] : text.substring(0, end).split("\n", -1);
        if (lines.length < 2 || !lines[0].equals(MAGIC)) {
            throw new JournalException(file, 1, "not a linkrescue repair journal");
        }
        String[] src = lines[1].split(" ");
        if (src.length != 3 || !src[0].equals("source")) throw new JournalException(file, 2, "no source line");
        long dev = num(file, 2, src[1]), ino = num(file, 2, src[2]);
        long[] jdir = null;
        int firstRecord = 2;
        if (lines.length > 2 && lines[2].startsWith("jdir ")) {
            String[] f = lines[2].split(" ");
            need(file, 3, f, 5);
            jdir = new long[] {num(file, 3, f[1]), num(file, 3, f[2]), num(file, 3, f[3]), num(file, 3, f[4])};
            firstRecord = 3;
        }
        Map<Long, Building> byIno = new LinkedHashMap<>();
        for (int i = firstRecord; i < lines.length; i++) {
            int ln = i + 1;
            String[] f = lines[i].split(" ");
            long old = f.length > 1 ? num(file, ln, f[1]) : -1;
            Building b = byIno.get(old);
            if (!f[0].equals("begin") && b == null) throw new JournalException(file, ln, "record before its begin");
            switch (f[0]) {
                case "begin" -> {
                    need(file, ln, f, 5);
                    if (b != null) throw new JournalException(file, ln, "inode " + old + " begun twice");
                    byIno.put(old, new Building(old, unhex(file, ln, f[2]), unhex(file, ln, f[3]), (int) num(file, ln, f[4])));
                }
                case "path" -> {
                    need(file, ln, f, 4);
                    if (num(file, ln, f[2]) != b.paths.size()) throw new JournalException(file, ln, "path out of order");
                    b.paths.add(unhex(file, ln, f[3]));
                }
                case "dir" -> {
                    need(file, ln, f, 7);
                    b.dirs.add(new DirTimes(unhex(file, ln, f[2]), num(file, ln, f[3]), (int) num(file, ln, f[4]),
                            num(file, ln, f[5]), (int) num(file, ln, f[6])));
                }
                case "created" -> { need(file, ln, f, 3); b.newIno = num(file, ln, f[2]); }
                case "moved" -> { need(file, ln, f, 3); b.moved.set((int) num(file, ln, f[2])); }
                case "stayed" -> { need(file, ln, f, 3); b.stayed.set((int) num(file, ln, f[2])); }
                case "done" -> { need(file, ln, f, 2); b.done = true; }
                default -> throw new JournalException(file, ln, "unknown record '" + f[0] + "'");
            }
        }
        List<Entry> entries = new ArrayList<>();
        for (Building b : byIno.values()) {
            // A begin whose path lines were cut short by a kill is harmless: nothing was made
            // before all of them were on disk, so fewer paths than announced means "not started".
            if (b.paths.size() != b.count && b.newIno >= 0) {
                throw new JournalException(file, 0, "inode " + b.old + " created with " + b.paths.size()
                        + " of " + b.count + " paths recorded");
            }
            entries.add(new Entry(b.old, b.tempDir, b.tempName, List.copyOf(b.paths), List.copyOf(b.dirs), b.newIno,
                    b.moved, b.stayed, b.done));
        }
        return new Contents(dev, ino, jdir, entries);
    }

    private static final class Building {
        final long old; final byte[] tempDir, tempName; final int count;
        final List<byte[]> paths = new ArrayList<>();
        final List<DirTimes> dirs = new ArrayList<>();
        long newIno = -1; final BitSet moved = new BitSet(), stayed = new BitSet(); boolean done;
        Building(long old, byte[] tempDir, byte[] tempName, int count) {
            this.old = old; this.tempDir = tempDir; this.tempName = tempName; this.count = count;
        }
    }

    /** A journal that cannot be trusted: the run stops before touching anything. */
    static final class JournalException extends IOException {
        JournalException(byte[] file, int line, String why) {
            super("journal " + Names.display(file) + (line > 0 ? " line " + line : "") + ": " + why
                    + " (move it away only once the paths it names have been checked)");
        }
    }

    private static void need(byte[] file, int ln, String[] f, int n) throws JournalException {
        if (f.length != n) throw new JournalException(file, ln, "expected " + n + " fields, found " + f.length);
    }

    private static long num(byte[] file, int ln, String s) throws JournalException {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new JournalException(file, ln, "not a number: '" + s + "'");
        }
    }

    private static String hex(byte[] b) { return b.length == 0 ? "-" : HEX.formatHex(b); }

    private static byte[] unhex(byte[] file, int ln, String s) throws JournalException {
        if (s.equals("-")) return new byte[0];
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new JournalException(file, ln, "bad hex name");
        }
    }

    private static byte[] readAll(byte[] file) throws IOException {
        int fd = Posix.openat(Posix.AT_FDCWD, file, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = Posix.read(fd, buf, buf.length)) > 0) out.write(buf, 0, n);
            return out.toByteArray();
        } finally {
            Posix.close(fd);
        }
    }

    private static int openDirOf(byte[] file) throws PosixException {
        byte[] dir = ParentDir.dirOf(file);
        if (dir.length == 0) dir = file.length > 0 && file[0] == '/' ? new byte[] {'/'} : Names.DOT;
        return Posix.openat(Posix.AT_FDCWD, dir, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
    }

    static void fsyncDirOf(byte[] file) throws PosixException {
        int d = openDirOf(file);
        try {
            Posix.fsync(d);
        } finally {
            Posix.close(d);
        }
    }
}
