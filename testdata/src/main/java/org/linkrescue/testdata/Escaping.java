package org.linkrescue.testdata;

/** Shows raw name bytes (held as Latin-1 chars) to a human: printable ASCII as is, the rest escaped. */
final class Escaping {

    private Escaping() {}

    /** Bytes 0x20..0x7e as themselves, backslash as \\, newline as \n, tab as \t, all else as \xNN. */
    static String display(String latin1) {
        StringBuilder b = new StringBuilder(latin1.length());
        for (int i = 0; i < latin1.length(); i++) {
            char c = latin1.charAt(i);
            if (c == '\\') {
                b.append("\\\\");
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c == '\t') {
                b.append("\\t");
            } else if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append(String.format("\\x%02x", (int) c & 0xff));
            }
        }
        return b.toString();
    }
}
