package org.linkrescue.cli;

import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Arrays;
import org.linkrescue.archive.Names;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.fs.PosixException;
import org.linkrescue.migrate.fs.Stat;
import org.linkrescue.migrate.pipeline.ArchiveFile;
import org.linkrescue.migrate.scan.PathFilter;
import org.linkrescue.migrate.sink.PartialArchive;

/**
 * Command-line arguments arrive as Latin-1 Strings, one char per byte of the name the user
 * typed (the launcher's locale sees to it): {@link #bytes} gives the name back, {@link #display}
 * a human rendering, and the file helpers open them byte-exactly with one-line errors.
 */
final class Args {
    private Args() {}

    static byte[] bytes(String arg) { return Names.bytes(arg); }

    static String display(String arg) { return Names.display(Names.bytes(arg)); }

    static boolean isStdio(String file) { return "-".equals(file); }

    /**
     * Archive data is never written to a terminal (it would fill the screen with binary) nor
     * read from one (it would wait on the keyboard), as GNU tar refuses: a usage error, found
     * before anything is read or made.
     */
    static void notToTerminal(String file, Console console) {
        if (isStdio(file) && console.stdoutIsTerminal())
            throw new ExitCodes.UsageException("refusing to write archive data to a terminal (give -f FILE, or pipe: -f - | ...)");
    }

    /** See {@link #notToTerminal}. */
    static void notFromTerminal(String file, Console console) {
        if (isStdio(file) && console.stdinIsTerminal())
            throw new ExitCodes.UsageException("refusing to read archive data from a terminal (give -f FILE, or redirect: -f - < FILE)");
    }

    static InputStream openInput(String file, Console console) throws IOException {
        if (isStdio(file)) return console.in();
        if (Files.isDirectory(Path.of(file))) throw new IOException("cannot read archive '" + display(file) + "': is a directory");
        try {
            return Files.newInputStream(Path.of(file));
        } catch (IOException e) {
            throw new IOException("cannot read archive '" + display(file) + "': " + why(e), e);
        }
    }

    /**
     * The archive as an uncompressed regular file to read by offset, or null when it is not one
     * (compressed, a pipe, a terminal, cannot be opened): then {@link #openInput} reads it as a
     * stream and reports any error as usual. Standard input qualifies only when it is this
     * process's own, unread (a test's in-memory stdin is not descriptor 0).
     */
    static ArchiveFile openPlainArchive(String file, Console console) {
        if (isStdio(file)) return console.in() == System.in ? ArchiveFile.stdinIfPlain() : null;
        return ArchiveFile.openIfPlain(bytes(file));
    }

    /**
     * Leaves the archive file being written out of the walk, as GNU tar does ("file is the
     * archive; not dumped"), found by device and inode once it exists (after it is opened): the
     * file under its partial name (PartialArchive), and the file it will replace at FILE.
     */
    static PathFilter notTheArchive(String file) {
        if (isStdio(file)) return PathFilter.NONE;
        return notThisFile(PartialArchive.partialOf(Path.of(file)).toString()).and(notThisFile(file));
    }

    /**
     * The rescue map being written, when it lies inside source (an archive written into the
     * tree it archives): left out without a word, as linkrescue's own file made by this run.
     */
    static PathFilter notOurMap(String source, byte[] map) {
        if (map == null) return PathFilter.NONE;
        Path s = Path.of(source).toAbsolutePath().normalize(), m = Path.of(Names.latin1(map)).toAbsolutePath().normalize();
        if (!m.startsWith(s) || m.equals(s)) return PathFilter.NONE;
        byte[] rel = bytes(s.relativize(m).toString());
        return new PathFilter() {
            @Override public boolean excludes(byte[] path) { return Arrays.equals(path, rel); }
        };
    }

    private static PathFilter notThisFile(String file) {
        try {
            Stat st = Posix.statAt(Posix.AT_FDCWD, bytes(file));
            return st.isRegular() ? PathFilter.notThisFile(st, "file is the archive; not dumped") : PathFilter.NONE;
        } catch (PosixException e) {
            return PathFilter.NONE;
        }
    }

    static OutputStream openOutput(String file, Console console) throws IOException {
        if (isStdio(file)) return new StdoutStream(console.out());
        try {
            return Files.newOutputStream(Path.of(file));
        } catch (IOException e) {
            throw new IOException("cannot write archive '" + display(file) + "': " + why(e), e);
        }
    }

    /** An input stream that counts what was read from it (a progress line's "how far"). */
    static final class Counted extends FilterInputStream {
        private volatile long count;

        Counted(InputStream in) { super(in); }

        long count() { return count; }

        @Override public int read() throws IOException {
            int b = super.read();
            if (b >= 0) count++;
            return b;
        }

        @Override public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) count += n;
            return n;
        }

        @Override public long skip(long n) throws IOException {
            long k = super.skip(n);
            if (k > 0) count += k;
            return k;
        }
    }

    static Counted counted(InputStream in) { return new Counted(in); }

    /** The reason of a java.nio file error, without the path it repeats. */
    static String why(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileAlreadyExistsException) return "already exists";
        if (e instanceof NotDirectoryException) return "not a directory";
        if (e instanceof FileNotFoundException) return e.getMessage();
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage();
    }

    /**
     * The archive on standard output. A PrintStream swallows write errors; this one asks after
     * every write, so a closed pipe stops the run instead of reading a dying drive for nobody.
     * Closing flushes but leaves stdout open.
     */
    static final class StdoutStream extends OutputStream {
        private final PrintStream out;

        StdoutStream(PrintStream out) { this.out = out; }

        @Override public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            if (out.checkError()) throw new IOException("cannot write the archive to standard output (closed pipe?)");
        }

        @Override
        public void flush() throws IOException {
            if (out.checkError()) throw new IOException("cannot write the archive to standard output (closed pipe?)");
        }

        @Override public void close() throws IOException { flush(); }
    }
}
