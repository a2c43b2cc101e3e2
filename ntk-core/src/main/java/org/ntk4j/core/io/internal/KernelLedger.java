package org.ntk4j.core.io.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.ntk4j.core.io.KernelFileSpec;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The text ledger next to a partial kernel file: a header naming the kernel, then one line per finished tile with the
 * CRC-32 of its bytes. Lines end in {@code \n}; a last line without one (an append cut short) is ignored.
 *
 * <pre>
 * ntk4j-kernel-ledger 1
 * shape 50000 50000
 * entries-per-example 1
 * descr &lt;f4
 * block 512
 * symmetric true
 * fingerprint empirical-sha256:…
 * data-offset 128
 * tile 0 0 9f3a61c2
 * tile 0 1 03bb7e10
 * </pre>
 */
public final class KernelLedger {
    /** The first line of every ledger. */
    public static final String MAGIC = "ntk4j-kernel-ledger 1";
    private static final List<String> KEYS = List.of("shape", "entries-per-example", "descr", "block", "symmetric",
            "fingerprint", "data-offset");

    private KernelLedger() {
    }

    /**
     * @param spec       the kernel
     * @param dataOffset offset of the first data byte in the {@code .npy} file
     * @return the header lines, each ending in a newline
     */
    public static byte[] header(KernelFileSpec spec, long dataOffset) {
        String s = MAGIC + "\n"
                + "shape " + spec.rows() + " " + spec.cols() + "\n"
                + "entries-per-example " + spec.entriesPerExample() + "\n"
                + "descr " + spec.descr() + "\n"
                + "block " + spec.block() + "\n"
                + "symmetric " + spec.symmetric() + "\n"
                + "fingerprint " + spec.fingerprint() + "\n"
                + "data-offset " + dataOffset + "\n";
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param bi  row block
     * @param bj  column block
     * @param crc CRC-32 of the tile's bytes as written (the tile's rows, then its mirror's rows)
     * @return one tile record, ending in a newline
     */
    public static byte[] tile(long bi, long bj, int crc) {
        return String.format(Locale.ROOT, "tile %d %d %08x\n", bi, bj, crc).getBytes(StandardCharsets.US_ASCII);
    }

    /** A parsed ledger. */
    public record Parsed(KernelFileSpec spec, long dataOffset, Map<Long, Integer> tiles) {
    }

    /**
     * @param bytes the ledger's content
     * @param name  the ledger's file name, for messages
     * @return the header and the finished tiles ({@code bi · colBlocks + bj} → CRC-32)
     * @throws IllegalArgumentException (message without the name) when it is not a well-formed ledger
     */
    public static Parsed parse(byte[] bytes, String name) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        int end = text.lastIndexOf('\n');
        String[] lines = end < 0 ? new String[0] : text.substring(0, end).split("\n", -1);
        if (lines.length < 1 + KEYS.size() || !lines[0].equals(MAGIC)) {
            throw new IllegalArgumentException("is not an ntk4j kernel ledger (it does not start with '" + MAGIC
                    + "' and the kernel's description)");
        }
        Map<String, String> h = new LinkedHashMap<>();
        for (int k = 0; k < KEYS.size(); k++) {
            String line = lines[1 + k];
            String key = KEYS.get(k);
            if (!line.startsWith(key + " ")) {
                throw new IllegalArgumentException("line " + (k + 2) + " should be '" + key + " …' (got: '"
                        + abbreviate(line) + "')");
            }
            h.put(key, line.substring(key.length() + 1));
        }
        KernelFileSpec spec;
        long offset;
        try {
            String[] shape = h.get("shape").split(" ");
            if (shape.length != 2) {
                throw new IllegalArgumentException("shape needs two numbers");
            }
            String descr = h.get("descr");
            if (!descr.equals("<f4") && !descr.equals("<f8")) {
                throw new IllegalArgumentException("descr must be <f4 or <f8");
            }
            String sym = h.get("symmetric");
            if (!sym.equals("true") && !sym.equals("false")) {
                throw new IllegalArgumentException("symmetric must be true or false");
            }
            spec = new KernelFileSpec(Long.parseLong(shape[0]), Long.parseLong(shape[1]),
                    Integer.parseInt(h.get("entries-per-example")), descr.equals("<f4") ? DataType.FLOAT : DataType.DOUBLE,
                    Integer.parseInt(h.get("block")), sym.equals("true"), h.get("fingerprint"));
            offset = Long.parseLong(h.get("data-offset"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("has a malformed header (" + e.getMessage() + ")");
        }
        Map<Long, Integer> tiles = new LinkedHashMap<>();
        for (int l = 1 + KEYS.size(); l < lines.length; l++) {
            String[] f = lines[l].split(" ");
            try {
                if (f.length != 4 || !f[0].equals("tile") || f[3].length() != 8) {
                    throw new NumberFormatException();
                }
                long bi = Long.parseLong(f[1]), bj = Long.parseLong(f[2]);
                int crc = Integer.parseUnsignedInt(f[3], 16);
                boolean inside = bi >= 0 && bj >= 0 && bi < spec.rowBlocks() && bj < spec.colBlocks()
                        && (!spec.symmetric() || bj >= bi);
                if (!inside) {
                    throw new IllegalArgumentException("line " + (l + 1) + " names tile (" + bi + ", " + bj
                            + "), which is not in the kernel's grid");
                }
                tiles.put(bi * spec.colBlocks() + bj, crc);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("line " + (l + 1) + " is not a tile record 'tile ROW COL CRC32' (got: '"
                        + abbreviate(lines[l]) + "')");
            }
        }
        return new Parsed(spec, offset, tiles);
    }

    private static String abbreviate(String s) {
        return (s.length() > 60 ? s.substring(0, 60) + "…" : s).replaceAll("[^\\x20-\\x7e]", "?");
    }
}
