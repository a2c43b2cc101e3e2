package org.ntk4j.core.io.internal;

import org.ntk4j.core.io.NpyHeader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses and formats the header of a {@code .npy} file: the magic string {@code \x93NUMPY}, the version, the header
 * length (2 bytes in 1.0, 4 bytes in 2.0/3.0, little-endian), then a Python dict literal with exactly the keys
 * {@code descr}, {@code fortran_order} and {@code shape}, padded with spaces and ending in a newline.
 * Latin-1 in versions 1.0/2.0, UTF-8 in 3.0.
 */
public final class NpyHeaderCodec {
    /** The six magic bytes every {@code .npy} file starts with. */
    public static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Headers longer than this are refused (numpy writes a few hundred bytes; its own reader stops at 10 000). */
    public static final int MAX_HEADER_BYTES = 1 << 20;
    private static final int ALIGN = 64;

    private NpyHeaderCodec() {
    }

    /**
     * @param prefix the first 8 bytes of the file
     * @return the version (1, 2 or 3) and the size of the header-length field, as {@code {version, lengthBytes}}
     * @throws IllegalArgumentException when they are not a {@code .npy} prefix
     */
    public static int[] version(byte[] prefix) {
        if (!Arrays.equals(Arrays.copyOf(prefix, 6), MAGIC)) {
            throw new IllegalArgumentException("not a .npy file: it does not start with the magic bytes \\x93NUMPY");
        }
        int major = prefix[6] & 0xFF, minor = prefix[7] & 0xFF;
        if ((major != 1 && major != 2 && major != 3) || minor != 0) {
            throw new IllegalArgumentException(".npy format version " + major + "." + minor
                    + " is not one this reader knows (1.0, 2.0, 3.0)");
        }
        return new int[]{major, major == 1 ? 2 : 4};
    }

    /**
     * @param version     1, 2 or 3
     * @param header      the header bytes (after the length field)
     * @param dataOffset  the offset of the first data byte
     * @return the validated header
     * @throws IllegalArgumentException (message without the file name) when the header is not one numpy writes
     */
    public static NpyHeader parse(int version, byte[] header, long dataOffset) {
        String text = new String(header, version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Parser p = new Parser(text);
        String descr = null;
        Boolean fortran = null;
        long[] shape = null;
        p.skipSpace();
        p.expect('{');
        while (true) {
            p.skipSpace();
            if (p.peek() == '}') {
                p.pos++;
                break;
            }
            String key = p.string();
            p.skipSpace();
            p.expect(':');
            p.skipSpace();
            switch (key) {
                case "descr" -> {
                    if (descr != null) {
                        throw p.error("key 'descr' appears twice");
                    }
                    if (p.peek() == '[') {
                        throw new IllegalArgumentException("holds a structured array (descr is a list of fields): "
                                + "save one numeric array per file");
                    }
                    descr = p.string();
                }
                case "fortran_order" -> {
                    if (fortran != null) {
                        throw p.error("key 'fortran_order' appears twice");
                    }
                    fortran = p.bool();
                }
                case "shape" -> {
                    if (shape != null) {
                        throw p.error("key 'shape' appears twice");
                    }
                    shape = p.shape();
                }
                default -> throw p.error("unexpected key '" + key + "' (a .npy header has descr, fortran_order, shape)");
            }
            p.skipSpace();
            if (p.peek() == ',') {
                p.pos++;
            } else if (p.peek() != '}') {
                throw p.error("expected ',' or '}'");
            }
        }
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the header dict");
        }
        if (descr == null || fortran == null || shape == null) {
            throw new IllegalArgumentException("the .npy header lacks " + (descr == null ? "'descr'"
                    : fortran == null ? "'fortran_order'" : "'shape'"));
        }
        NpyDtype.Parsed t = NpyDtype.parse(descr);
        long count = 1;
        for (long d : shape) {
            if (d != 0 && count > Long.MAX_VALUE / d / t.dtype().size()) {
                throw new IllegalArgumentException("the .npy header's shape " + Arrays.toString(shape)
                        + " has more elements than any file can hold");
            }
            count *= d;
        }
        return new NpyHeader(version, descr, fortran, shape, dataOffset, t.dtype().size());
    }

    /**
     * @param descr numpy type string
     * @param shape the shape
     * @return the complete header (magic to newline), version 1.0, or 2.0 when the dict does not fit 65535 bytes;
     *         padded so that the data start at a multiple of 64 bytes, as numpy does
     */
    public static byte[] format(String descr, long[] shape) {
        StringBuilder sb = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            sb.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
        }
        sb.append("), }");
        int dictLength = sb.length() + 1;
        int version = (10 + dictLength + ALIGN - 1) / ALIGN * ALIGN - 10 <= 65535 ? 1 : 2;
        int prefix = version == 1 ? 10 : 12;
        int total = (prefix + dictLength + ALIGN - 1) / ALIGN * ALIGN;
        while (prefix + sb.length() + 1 < total) {
            sb.append(' ');
        }
        sb.append('\n');
        byte[] dict = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[prefix + dict.length];
        System.arraycopy(MAGIC, 0, out, 0, 6);
        out[6] = (byte) version;
        out[7] = 0;
        int len = dict.length;
        out[8] = (byte) len;
        out[9] = (byte) (len >>> 8);
        if (version == 2) {
            out[10] = (byte) (len >>> 16);
            out[11] = (byte) (len >>> 24);
        }
        System.arraycopy(dict, 0, out, prefix, dict.length);
        return out;
    }

    /** A strict reader of the Python literals that appear in a {@code .npy} header. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        char peek() {
            if (pos >= s.length()) {
                throw error("the header ends early");
            }
            return s.charAt(pos);
        }

        void skipSpace() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\n' || s.charAt(pos) == '\t'
                    || s.charAt(pos) == '\r')) {
                pos++;
            }
        }

        void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        String string() {
            char q = peek();
            if (q != '\'' && q != '"') {
                throw error("expected a quoted string");
            }
            int end = s.indexOf(q, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String v = s.substring(pos + 1, end);
            if (v.indexOf('\\') >= 0) {
                throw error("escape sequences are not part of a .npy header");
            }
            pos = end + 1;
            return v;
        }

        boolean bool() {
            if (s.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw error("fortran_order must be True or False");
        }

        long[] shape() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            boolean comma = false;
            while (true) {
                skipSpace();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                if (!dims.isEmpty() && !comma) {
                    throw error("expected ',' between dimensions");
                }
                int start = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos)) && s.charAt(pos) < 128) {
                    pos++;
                }
                if (pos == start || pos - start > 18) {
                    throw error("a dimension must be a non-negative integer below 10^18");
                }
                dims.add(Long.parseLong(s.substring(start, pos)));
                if (pos < s.length() && s.charAt(pos) == 'L') {
                    pos++; // Python 2 long literal
                }
                skipSpace();
                comma = peek() == ',';
                if (comma) {
                    pos++;
                }
            }
            if (dims.size() == 1 && !comma) {
                throw error("a one-dimensional shape is written (n,)");
            }
            if (dims.size() > 64) {
                throw error("more than 64 dimensions");
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        IllegalArgumentException error(String what) {
            String near = s.substring(Math.max(0, pos - 20), Math.min(s.length(), pos + 20)).replaceAll("\\s+", " ");
            return new IllegalArgumentException("malformed .npy header (" + what + " at character " + pos + ", near '"
                    + near.replaceAll("[^\\x20-\\x7e]", "?") + "')");
        }
    }
}
