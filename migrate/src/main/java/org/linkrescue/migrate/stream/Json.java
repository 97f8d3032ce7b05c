package org.linkrescue.migrate.stream;

import java.io.IOException;
import java.io.Writer;
import org.linkrescue.archive.Names;

/**
 * A small streaming JSON writer for reports, so a report of a million entries never sits in
 * memory. Paths are written with {@link Names#display}: valid UTF-8 as is, other bytes as
 * \xNN and a backslash as \\ (so the raw bytes can be recovered), then JSON-escaped.
 */
public final class Json implements AutoCloseable {
    private final Writer w;
    private boolean first = true;

    public Json(Writer w) { this.w = w; }

    public Json beginObject() throws IOException { comma(); w.write('{'); first = true; return this; }
    public Json endObject() throws IOException { w.write('}'); first = false; return this; }
    public Json beginArray() throws IOException { comma(); w.write('['); first = true; return this; }
    public Json endArray() throws IOException { w.write(']'); first = false; return this; }

    public Json name(String n) throws IOException {
        comma();
        str(n);
        w.write(':');
        first = true;
        return this;
    }

    public Json value(String s) throws IOException {
        comma();
        if (s == null) w.write("null"); else str(s);
        first = false;
        return this;
    }

    public Json value(long v) throws IOException { comma(); w.write(Long.toString(v)); first = false; return this; }
    public Json value(boolean v) throws IOException { comma(); w.write(v ? "true" : "false"); first = false; return this; }
    public Json path(byte[] p) throws IOException { return value(p == null ? null : Names.display(p)); }

    public Json field(String n, String v) throws IOException { return name(n).value(v); }
    public Json field(String n, long v) throws IOException { return name(n).value(v); }
    public Json field(String n, boolean v) throws IOException { return name(n).value(v); }
    public Json pathField(String n, byte[] p) throws IOException { return name(n).path(p); }

    private void comma() throws IOException {
        if (!first) w.write(',');
        first = false;
    }

    private void str(String s) throws IOException {
        w.write('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> w.write("\\\"");
                case '\\' -> w.write("\\\\");
                case '\n' -> w.write("\\n");
                case '\r' -> w.write("\\r");
                case '\t' -> w.write("\\t");
                default -> {
                    if (c < 0x20) w.write(String.format("\\u%04x", (int) c));
                    else w.write(c);
                }
            }
        }
        w.write('"');
    }

    public void flush() throws IOException { w.flush(); }
    @Override public void close() throws IOException { w.close(); }
}
