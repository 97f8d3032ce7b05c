package org.linkrescue.migrate.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One mount as a line of /proc/self/mountinfo tells it: "id parent major:minor root point
 * options [optional fields] - type source super-options". The point and the source come with the
 * kernel's octal escapes (\040 for a space) undone, as the bytes of their names.
 *
 * @param device major and minor packed as {@link Stat#devId} packs them
 */
public record MountInfo(long id, long device, byte[] point, String type, byte[] source) {
    /** Every mount the file lists, in its order; none when it cannot be read. A line that does not parse is left out. */
    public static List<MountInfo> read(Path mountinfo) {
        List<String> lines;
        try {
            lines = Files.readAllLines(mountinfo, StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        List<MountInfo> mounts = new ArrayList<>(lines.size());
        for (String line : lines) {
            MountInfo m = parse(line);
            if (m != null) mounts.add(m);
        }
        return mounts;
    }

    /** The mount a line describes, or null when it is not one. */
    static MountInfo parse(String line) {
        int dash = line.indexOf(" - ");
        if (dash < 0) return null;
        String[] head = line.substring(0, dash).split(" ");
        String[] tail = line.substring(dash + 3).split(" ");
        if (head.length < 5 || tail.length < 2) return null;
        String[] mm = head[2].split(":");
        if (mm.length != 2) return null;
        try {
            long device = Long.parseLong(mm[0]) << 32 | (Long.parseLong(mm[1]) & 0xffffffffL);
            return new MountInfo(Long.parseLong(head[0]), device, unescaped(head[4]), tail[0], unescaped(tail[1]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The last name of the mount point ("" for the root). */
    public byte[] lastName() {
        int slash = point.length - 1;
        while (slash >= 0 && point[slash] != '/') slash--;
        return Arrays.copyOfRange(point, slash + 1, point.length);
    }

    /** A field's bytes (each Latin-1 char one byte), its \ooo escapes undone. */
    private static byte[] unescaped(String field) {
        byte[] in = field.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[in.length];
        int len = 0;
        for (int i = 0; i < in.length; ) {
            if (in[i] == '\\' && i + 3 < in.length) {
                out[len++] = (byte) ((in[i + 1] - '0') << 6 | (in[i + 2] - '0') << 3 | (in[i + 3] - '0'));
                i += 4;
            } else {
                out[len++] = in[i++];
            }
        }
        return Arrays.copyOf(out, len);
    }
}
