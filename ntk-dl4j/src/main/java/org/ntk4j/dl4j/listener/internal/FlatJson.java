package org.ntk4j.dl4j.listener.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A reader of flat JSON objects (string keys; number, string, boolean or null values; no nesting), enough for the
 * JSON-lines files the listener writes. Values are returned as their text (strings unescaped, null as "NaN").
 */
final class FlatJson {
    private final String s;
    private final String where;
    private int p;

    private FlatJson(String s, String where) {
        this.s = s;
        this.where = where;
    }

    static Map<String, String> parse(String json, String where) {
        FlatJson r = new FlatJson(json, where);
        Map<String, String> out = new LinkedHashMap<>();
        r.skip();
        r.expect('{');
        r.skip();
        if (r.peek() == '}') {
            r.p++;
            r.end();
            return out;
        }
        while (true) {
            r.skip();
            String key = r.string();
            r.skip();
            r.expect(':');
            r.skip();
            out.put(key, r.value());
            r.skip();
            char c = r.next();
            if (c == '}') {
                break;
            }
            if (c != ',') {
                throw r.error("expected ',' or '}'");
            }
        }
        r.end();
        return out;
    }

    private void end() {
        skip();
        if (p != s.length()) {
            throw error("unexpected text after the object");
        }
    }

    private String value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '{' || c == '[') {
            throw error("nested values are not supported");
        }
        int start = p;
        while (p < s.length() && ",} \t\r\n".indexOf(s.charAt(p)) < 0) {
            p++;
        }
        String v = s.substring(start, p);
        if (v.isEmpty()) {
            throw error("expected a value");
        }
        return v.equals("null") ? "NaN" : v;
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                char e = next();
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'u' -> {
                        if (p + 4 > s.length()) {
                            throw error("truncated \\u escape");
                        }
                        sb.append((char) Integer.parseInt(s.substring(p, p + 4), 16));
                        p += 4;
                    }
                    default -> sb.append(e);
                }
            } else {
                sb.append(c);
            }
        }
    }

    private void skip() {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
            p++;
        }
    }

    private char peek() {
        if (p >= s.length()) {
            throw error("unexpected end of line");
        }
        return s.charAt(p);
    }

    private char next() {
        char c = peek();
        p++;
        return c;
    }

    private void expect(char c) {
        if (next() != c) {
            p--;
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(where + ": invalid JSON at character " + (p + 1) + ": " + what);
    }
}
