package org.linkrescue.migrate.sink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.linkrescue.archive.Names;
import org.linkrescue.archive.XattrRecords;
import org.linkrescue.archive.XattrRecords.Xattr;
import org.linkrescue.migrate.fs.Posix;
import org.linkrescue.migrate.stream.Problems;
import org.linkrescue.migrate.stream.Problems.Grade;

/**
 * POSIX ACLs written as text by GNU tar --acls ("user::rw-\nuser:alice:r--\n...") and bsdtar
 * ("user::rw-,user:alice:r--:1000,..."), turned into the kernel's binary system.posix_acl_*
 * attribute value. A qualifier is taken as a number when it is one (or from bsdtar's trailing
 * id field), else looked up by name on this machine, as both tools do when they extract.
 */
final class AclText {
    private static final int USER_OBJ = 0x01, USER = 0x02, GROUP_OBJ = 0x04, GROUP = 0x08,
            MASK = 0x10, OTHER = 0x20;
    private static final int UNDEFINED_ID = -1;
    private static final int VERSION = 2;

    private AclText() {}

    /**
     * xs plus the ACL attributes the text records of extra stand for; a text record whose
     * attribute xs already holds (our own archives, GNU tar --xattrs-include='*') adds nothing.
     */
    static List<Xattr> addAcls(List<Xattr> xs, Map<String, byte[]> extra, byte[] path, Problems problems) {
        byte[] access = extra.get(XattrRecords.ACL_ACCESS), dflt = extra.get(XattrRecords.ACL_DEFAULT);
        if (access == null && dflt == null) return xs;
        List<Xattr> out = new ArrayList<>(xs);
        add(out, XattrRecords.ACL_ACCESS, access, XattrRecords.POSIX_ACL_ACCESS, path, problems);
        add(out, XattrRecords.ACL_DEFAULT, dflt, XattrRecords.POSIX_ACL_DEFAULT, path, problems);
        return out;
    }

    private static void add(List<Xattr> out, String key, byte[] text, byte[] attr, byte[] path, Problems problems) {
        if (text == null) return;
        for (Xattr x : out) if (Arrays.equals(x.name(), attr)) return;
        try {
            byte[] value = toXattr(Names.latin1(text));
            if (value != null) out.add(new Xattr(attr, value));
        } catch (IllegalArgumentException e) {
            problems.report(Grade.WARN, path, "ACL record " + key + " not restored: " + e.getMessage());
        }
    }

    /** The binary attribute for an ACL in text form; null for an empty text (no ACL). */
    static byte[] toXattr(String text) {
        List<int[]> entries = new ArrayList<>();
        for (String raw : text.split("[,\n]")) {
            String s = raw;
            int hash = s.indexOf('#');
            if (hash >= 0) s = s.substring(0, hash);
            s = s.strip();
            if (s.isEmpty()) continue;
            entries.add(entry(s));
        }
        if (entries.isEmpty()) return null;
        entries.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compareUnsigned(a[2], b[2]));
        ByteBuffer b = ByteBuffer.allocate(4 + 8 * entries.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(VERSION);
        for (int[] e : entries) b.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
        return b.array();
    }

    /** mode with its group bits set to the mask of a binary access ACL (unchanged without a mask). */
    static int withMask(int mode, byte[] acl) {
        ByteBuffer b = ByteBuffer.wrap(acl).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 4; i + 8 <= acl.length; i += 8) {
            if (b.getShort(i) == MASK) return (mode & ~070) | (b.getShort(i + 2) & 7) << 3;
        }
        return mode;
    }

    /** {tag, perm, id} of "tag:qualifier:perms[:id]" (mask and other may leave out the qualifier). */
    private static int[] entry(String s) {
        String[] f = s.split(":", -1);
        if (f.length < 2 || f.length > 4) throw new IllegalArgumentException("'" + s + "' is not an ACL entry");
        int tag = switch (f[0]) {
            case "user", "u" -> USER;
            case "group", "g" -> GROUP;
            case "mask", "m" -> MASK;
            case "other", "o" -> OTHER;
            default -> throw new IllegalArgumentException("unknown ACL tag in '" + s + "'");
        };
        String qualifier = f.length == 2 ? "" : f[1];
        String perms = f.length == 2 ? f[1] : f[2];
        int id = UNDEFINED_ID;
        if (qualifier.isEmpty()) {
            if (tag == USER) tag = USER_OBJ;
            else if (tag == GROUP) tag = GROUP_OBJ;
        } else if (tag == MASK || tag == OTHER) {
            throw new IllegalArgumentException("a qualifier on '" + s + "'");
        } else if (f.length == 4 && isNumber(f[3])) {
            id = Integer.parseUnsignedInt(f[3]);
        } else if (isNumber(qualifier)) {
            id = Integer.parseUnsignedInt(qualifier);
        } else {
            id = lookup(tag == USER, qualifier, s);
        }
        int perm = 0;
        for (char c : perms.toCharArray()) {
            switch (c) {
                case 'r' -> perm |= 4;
                case 'w' -> perm |= 2;
                case 'x' -> perm |= 1;
                case '-' -> { }
                default -> throw new IllegalArgumentException("bad permissions in '" + s + "'");
            }
        }
        return new int[] {tag, perm, id};
    }

    private static int lookup(boolean user, String name, String entry) {
        var pw = user ? Posix.jnr().getpwnam(name) : null;
        var gr = user ? null : Posix.jnr().getgrnam(name);
        if (pw != null) return (int) pw.getUID();
        if (gr != null) return (int) gr.getGID();
        throw new IllegalArgumentException("no " + (user ? "user" : "group") + " '" + name + "' on this machine ('" + entry + "')");
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || s.length() > 10) return false;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return Long.parseLong(s) <= 0xffffffffL;
    }
}
