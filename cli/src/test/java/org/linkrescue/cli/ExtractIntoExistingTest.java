package org.linkrescue.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.linkrescue.archive.Entry;
import org.linkrescue.archive.EntryType;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.TarWriter;
import org.linkrescue.cli.CliTestSupport.Result;

/**
 * --allow-existing merges into a tree without changing anything that was there (issue 17.8): an
 * existing file is refused, an existing directory (TARGET's own "./" included) keeps its mode,
 * owner and mtime while new entries go inside it; and the summary counts what was made, not
 * what was refused.
 */
class ExtractIntoExistingTest {
    @TempDir Path dir;

    static Entry entry(String path, EntryType type, int mode, long size) {
        return new Entry(Names.bytes(path), type, mode, 0, 0, null, null, size, 1_600_000_000L, 0, null, 0, 0, null);
    }

    byte[] archive() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarWriter w = new TarWriter(out)) {
            w.putEntry(entry(".", EntryType.DIRECTORY, 0777, 0));
            w.putEntry(entry("keep", EntryType.DIRECTORY, 0777, 0));
            w.putEntry(entry("keep/old", EntryType.FILE, 0644, 6));
            w.write(Names.bytes("theirs"));
            w.closeEntry();
            w.putEntry(entry("keep/new", EntryType.FILE, 0600, 3));
            w.write(Names.bytes("new"));
            w.closeEntry();
            w.putEntry(entry("fresh", EntryType.DIRECTORY, 0750, 0));
        }
        return out.toByteArray();
    }

    @Test
    void t01_existingDirectoriesAndTargetItselfKeepTheirMetadataAndRefusedFilesAreNotCountedAsMade() throws Exception {
        Path t = Files.createDirectories(dir.resolve("t/keep"));
        Files.writeString(t.resolve("old"), "mine");
        FileTime before = FileTime.fromMillis(1_234_567_890_000L);
        Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwx------"));
        Files.setLastModifiedTime(t, before);
        Files.setPosixFilePermissions(dir.resolve("t"), PosixFilePermissions.fromString("rwxr-x---"));
        Path tar = Files.write(dir.resolve("a.tar"), archive());

        Result r = CliTestSupport.run("extract", "-f", tar.toString(), "-C", dir.resolve("t").toString(), "--allow-existing", "-q");

        assertEquals(3, r.code(), r.err());
        assertTrue(r.err().startsWith("linkrescue: FAILED keep/old: refused: exists\n"), r.err());
        assertTrue(r.err().contains(" 2 paths (2 inodes, 0 hard links): 1 file, 1 directory, 3 B; 1 FAILED"),
                "what was made, not the refused file: " + r.err());
        assertEquals("mine", Files.readString(t.resolve("old")));
        assertEquals("new", Files.readString(t.resolve("new")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(t)), "an existing directory keeps its mode");
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("t"))), "TARGET too");
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("t/fresh"))),
                "a directory this run made gets the entry's mode");
        assertEquals(FileTime.fromMillis(1_600_000_000_000L), Files.getLastModifiedTime(dir.resolve("t/fresh")));
    }
}
