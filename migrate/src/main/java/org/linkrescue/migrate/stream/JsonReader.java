package org.linkrescue.migrate.stream;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON parser into Map / List / String / Long / Double / Boolean / null, for
 * reading back our own reports (rescue, scan --read-test: a few records per damaged inode, so whole-document parsing is fine). Strict:
 * anything malformed is an IOException naming the character offset.
 */
public final class JsonReader {
    private final Reader in;
    private int c = -2;
    private long pos = -1;

    private JsonReader(Reader in) { this.in = in; }

    /**
     * Reads a whole file of JSON (a report of ours given back on the command line). Whatever is
     * wrong is an IOException whose message says what, without the path (the caller names the
     * option and the file): "is a directory", "not UTF-8 text (byte 3)", "bad JSON at ...".
     */
    public static Object parseFile(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException("no such file");
        } catch (AccessDeniedException e) {
            throw new IOException("permission denied");
        } catch (IOException e) {
            throw new IOException(Files.isDirectory(file) ? "is a directory" : String.valueOf(e.getMessage()));
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer text = CharBuffer.allocate(bytes.length);
        CoderResult r = utf8.decode(in, text, true);
        if (r.isError()) throw new IOException("not UTF-8 text (byte " + in.position() + "), not a JSON report");
        text.flip();
        return parse(new StringReader(text.toString()));
    }

    public static Object parse(Reader in) throws IOException {
        JsonReader r = new JsonReader(in);
        r.advance();
        Object v = r.value();
        r.skipWs();
        if (r.c != -1) throw r.error("text after the JSON value");
        return v;
    }

    private void advance() throws IOException { c = in.read(); pos++; }

    private IOException error(String what) { return new IOException("bad JSON at character " + pos + ": " + what); }

    private void skipWs() throws IOException {
        while (c == ' ' || c == '\n' || c == '\r' || c == '\t') advance();
    }

    private Object value() throws IOException {
        skipWs();
        switch (c) {
            case '{': return object();
            case '[': return array();
            case '"': return string();
            case 't': word("true"); return Boolean.TRUE;
            case 'f': word("false"); return Boolean.FALSE;
            case 'n': word("null"); return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return number();
                throw error(c == -1 ? "unexpected end" : "unexpected '" + (char) c + "'");
        }
    }

    private void word(String w) throws IOException {
        for (int i = 0; i < w.length(); i++) {
            if (c != w.charAt(i)) throw error("expected " + w);
            advance();
        }
    }

    private Map<String, Object> object() throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        advance();
        skipWs();
        if (c == '}') { advance(); return m; }
        while (true) {
            skipWs();
            if (c != '"') throw error("expected a member name");
            String k = string();
            skipWs();
            if (c != ':') throw error("expected ':'");
            advance();
            m.put(k, value());
            skipWs();
            if (c == ',') { advance(); continue; }
            if (c == '}') { advance(); return m; }
            throw error("expected ',' or '}'");
        }
    }

    private List<Object> array() throws IOException {
        List<Object> l = new ArrayList<>();
        advance();
        skipWs();
        if (c == ']') { advance(); return l; }
        while (true) {
            l.add(value());
            skipWs();
            if (c == ',') { advance(); continue; }
            if (c == ']') { advance(); return l; }
            throw error("expected ',' or ']'");
        }
    }

    private String string() throws IOException {
        StringBuilder sb = new StringBuilder();
        advance();
        while (true) {
            if (c == -1) throw error("unterminated string");
            if (c == '"') { advance(); return sb.toString(); }
            if (c < 0x20) throw error("control character in a string");
            if (c == '\\') {
                advance();
                switch (c) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        int v = 0;
                        for (int i = 0; i < 4; i++) {
                            advance();
                            int d = Character.digit(c, 16);
                            if (d < 0) throw error("bad \\u escape");
                            v = v * 16 + d;
                        }
                        sb.append((char) v);
                    }
                    default -> throw error("bad escape");
                }
                advance();
                continue;
            }
            sb.append((char) c);
            advance();
        }
    }

    private Object number() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' || (c >= '0' && c <= '9')) {
            sb.append((char) c);
            advance();
        }
        String s = sb.toString();
        try {
            if (s.contains(".") || s.contains("e") || s.contains("E")) return Double.parseDouble(s);
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error("bad number " + s);
        }
    }
}
