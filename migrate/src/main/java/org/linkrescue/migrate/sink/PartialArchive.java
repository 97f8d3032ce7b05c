package org.linkrescue.migrate.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.linkrescue.archive.Names;

/**
 * An archive file written under a temporary name beside it, {@code FILE.partial}, and renamed
 * to FILE only once it is complete: GNU tar and bsdtar list a tar cut at an entry boundary
 * with exit 0, so an archive that did not finish must never carry the name the user asked for.
 * The partial file is kept when a run stops, for a resume to cut back and continue
 * ({@link #reopen}); a fresh run refuses to overwrite one.
 *
 * <p>Paths are the user's arguments as Latin-1 Strings, one char per byte (the launcher's
 * locale), so java.nio opens them byte for byte.
 */
public final class PartialArchive implements AutoCloseable {
    /** Appended to FILE for the name the archive has until it is complete. */
    public static final String SUFFIX = ".partial";

    private final Path target, partial;
    private final FileChannel channel;
    private long offset;
    private boolean committed;

    private PartialArchive(Path target, Path partial, FileChannel channel, long offset) {
        this.target = target;
        this.partial = partial;
        this.channel = channel;
        this.offset = offset;
    }

    /** The temporary name of the archive file. */
    public static Path partialOf(Path file) { return file.resolveSibling(file.getFileName() + SUFFIX); }

    /**
     * Creates FILE.partial (never over an existing one: an interrupted run's archive is the
     * user's to resume or remove).
     */
    public static PartialArchive create(Path file) throws IOException {
        Path partial = partialOf(file);
        try {
            return new PartialArchive(file, partial, FileChannel.open(partial, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE_NEW), 0);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("'" + shown(partial) + "' is left by an interrupted run: remove it to start over", e);
        } catch (IOException e) {
            throw new IOException("cannot write archive '" + shown(partial) + "': " + reason(e), e);
        }
    }

    /**
     * Opens the FILE.partial a stopped run left, cut back to its first keep bytes (the last
     * checkpoint's end), to append to.
     */
    public static PartialArchive reopen(Path file, long keep) throws IOException {
        Path partial = partialOf(file);
        FileChannel ch;
        try {
            ch = FileChannel.open(partial, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new IOException("cannot resume: '" + shown(partial) + "' is gone", e);
        } catch (IOException e) {
            throw new IOException("cannot resume archive '" + shown(partial) + "': " + reason(e), e);
        }
        try {
            long size = ch.size();
            if (size < keep) {
                throw new IOException("cannot resume: '" + shown(partial) + "' holds " + size
                        + " bytes, fewer than the " + keep + " its rescue map records as written");
            }
            ch.truncate(keep);
            ch.position(keep);
            return new PartialArchive(file, partial, ch, keep);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * The archive's bytes go here. Closing it does not close the file: {@link #commit} or
     * {@link #close} does.
     */
    public OutputStream stream() {
        return new OutputStream() {
            @Override public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                try {
                    while (buf.hasRemaining()) channel.write(buf);
                } catch (IOException e) {
                    throw new IOException("cannot write archive '" + shown(partial) + "': " + reason(e), e);
                }
                offset += len;
            }
        };
    }

    /** Bytes in the file so far (after the bytes handed to {@link #stream()}). */
    public long offset() { return offset; }

    /** Makes every byte written so far durable. */
    public void sync() throws IOException { channel.force(false); }

    /** The archive is complete: made durable, renamed to FILE (replacing one), and the rename made durable. */
    public void commit() throws IOException {
        channel.force(true);
        channel.close();
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Path dir = target.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
        committed = true;
    }

    public boolean committed() { return committed; }

    /**
     * Closes and removes the partial file: for a run that stopped before its rescue map recorded
     * a byte of it (an xz run's blocks in flight are given up), so the next run starts over.
     */
    public void discard() throws IOException {
        close();
        Files.deleteIfExists(partial);
    }

    /** Closes the file; unless committed, it stays under its partial name. */
    @Override
    public void close() throws IOException {
        if (channel.isOpen()) channel.close();
    }

    private static String shown(Path p) { return Names.display(Names.bytes(p.toString())); }

    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) return f.getReason();
        return e.getMessage();
    }
}
