package org.linkrescue.archive;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Extended attributes as pax records, the way GNU tar ({@code --xattrs}) and bsdtar read and
 * write them. We write one record per attribute, {@code SCHILY.xattr.NAME=VALUE}, the value as
 * raw bytes (the record's length field makes any byte safe, NUL and 0xff included) and the name
 * with '%' and '=' escaped as "%25" and "%3D" (an '=' would end the pax key), which is exactly
 * GNU tar's escaping; bsdtar reads it too. We read those records and bsdtar's own
 * {@code LIBARCHIVE.xattr.URLENCODED-NAME=BASE64-VALUE}; an entry that has the latter is read
 * from them alone, because libarchive writes both for every attribute and escapes more bytes
 * of the name in both than GNU tar decodes.
 *
 * <p>POSIX ACLs travel as the attributes that hold them ({@code system.posix_acl_access},
 * {@code system.posix_acl_default}, the kernel's binary form). GNU tar {@code --acls} and bsdtar
 * write ACLs as text records ({@link #ACL_ACCESS}, {@link #ACL_DEFAULT}) instead; see
 * {@code migrate.sink.AclText}.
 *
 * <p>Not carried: an attribute name holding a newline (our pax writer does not put a newline in
 * a key, and GNU tar would not decode an escape for it).
 */
public final class XattrRecords {
    public static final String SCHILY = "SCHILY.xattr.";
    public static final String LIBARCHIVE = "LIBARCHIVE.xattr.";
    /** ACLs as text (GNU tar --acls, bsdtar): "user::rw-,group::r--,other::r--,...". */
    public static final String ACL_ACCESS = "SCHILY.acl.access", ACL_DEFAULT = "SCHILY.acl.default";
    public static final byte[] POSIX_ACL_ACCESS = Names.bytes("system.posix_acl_access"),
            POSIX_ACL_DEFAULT = Names.bytes("system.posix_acl_default");

    /** One extended attribute: name (e.g. "user.comment") and value, both raw bytes. */
    public record Xattr(byte[] name, byte[] value) {
        public String display() { return Names.display(name); }

        @Override public boolean equals(Object o) {
            return o instanceof Xattr x && Arrays.equals(name, x.name) && Arrays.equals(value, x.value);
        }

        @Override public int hashCode() { return Arrays.hashCode(name) * 31 + Arrays.hashCode(value); }

        @Override public String toString() { return display() + "=" + Names.display(value); }
    }

    private XattrRecords() {}

    /** Whether name can travel as a pax key (no newline, no NUL). */
    public static boolean carriable(byte[] name) {
        if (name.length == 0) return false;
        for (byte b : name) if (b == '\n' || b == 0) return false;
        return true;
    }

    /** The pax key for an attribute name: "SCHILY.xattr." + name with '%' and '=' escaped. */
    public static String key(byte[] name) {
        StringBuilder k = new StringBuilder(SCHILY.length() + name.length + 8).append(SCHILY);
        for (byte b : name) {
            if (b == '%') k.append("%25");
            else if (b == '=') k.append("%3D");
            else k.append((char) (b & 0xff));
        }
        return k.toString();
    }

    /** extra plus one record per attribute (a new map; extra is not changed). */
    public static Map<String, byte[]> with(Map<String, byte[]> extra, List<Xattr> xattrs) {
        if (xattrs.isEmpty()) return extra;
        Map<String, byte[]> m = new LinkedHashMap<>(extra);
        for (Xattr x : xattrs) m.put(key(x.name()), x.value());
        return m;
    }

    /** Whether key is one of the records this class reads (attributes or ACL text). */
    public static boolean isXattrKey(String key) {
        return key.startsWith(SCHILY) || key.startsWith(LIBARCHIVE) || key.equals(ACL_ACCESS) || key.equals(ACL_DEFAULT);
    }

    /**
     * The attributes in extra, in record order.
     *
     * @param malformed told the key of a record that cannot be decoded (bad escape or base64)
     */
    public static List<Xattr> of(Map<String, byte[]> extra, Consumer<String> malformed) {
        if (extra.isEmpty()) return List.of();
        boolean libarchive = false;
        for (String k : extra.keySet()) {
            if (k.startsWith(LIBARCHIVE)) { libarchive = true; break; }
        }
        List<Xattr> out = new ArrayList<>(2);
        for (Map.Entry<String, byte[]> r : extra.entrySet()) {
            String k = r.getKey();
            Xattr x;
            if (libarchive && k.startsWith(LIBARCHIVE)) {
                byte[] name = urlDecode(k.substring(LIBARCHIVE.length()));
                byte[] value;
                try {
                    value = Base64.getDecoder().decode(stripPadding(r.getValue()));
                } catch (IllegalArgumentException e) {
                    value = null;
                }
                x = name == null || value == null ? null : new Xattr(name, value);
            } else if (!libarchive && k.startsWith(SCHILY)) {
                byte[] name = gnuDecode(k.substring(SCHILY.length()));
                x = name == null ? null : new Xattr(name, r.getValue());
            } else {
                continue;
            }
            if (x == null || !carriable(x.name())) malformed.accept(k);
            else out.add(x);
        }
        return out;
    }

    /** GNU tar's decoding: "%25" is '%', "%3D" is '='; any other '%' stands for itself. */
    private static byte[] gnuDecode(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && s.startsWith("25", i + 1)) { b.write('%'); i += 2; }
            else if (c == '%' && s.startsWith("3D", i + 1)) { b.write('='); i += 2; }
            else b.write(c);
        }
        return b.size() == 0 ? null : b.toByteArray();
    }

    /** libarchive's url encoding: %XX (hex, either case) for any byte; null when malformed. */
    private static byte[] urlDecode(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') { b.write(c); continue; }
            if (i + 2 >= s.length()) return null;
            int hi = Character.digit(s.charAt(i + 1), 16), lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) return null;
            b.write(hi << 4 | lo);
            i += 2;
        }
        return b.size() == 0 ? null : b.toByteArray();
    }

    /** libarchive writes base64 without '=' padding; a writer that pads is read all the same. */
    private static byte[] stripPadding(byte[] v) {
        int n = v.length;
        while (n > 0 && v[n - 1] == '=') n--;
        return n == v.length ? v : Arrays.copyOf(v, n);
    }
}
