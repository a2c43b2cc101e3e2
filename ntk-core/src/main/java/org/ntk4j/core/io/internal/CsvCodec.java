package org.ntk4j.core.io.internal;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.io.ArrayFormatException;
import org.ntk4j.core.io.CsvHeader;
import org.ntk4j.core.kernel.MemoryBudget;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads and writes 2-D arrays as text: one row per line, fields separated by commas (or, when the first data line
 * has no comma, by whitespace), {@code #} starting a comment to the end of the line, blank lines skipped, an optional
 * header row of column names. Numbers are decimal ({@code 1}, {@code -2.5}, {@code 3e-4}) or {@code nan}/{@code inf}
 * (any case, optional sign); anything else is refused with its line and column. Values are read as DOUBLE.
 */
public final class CsvCodec {
    private static final Pattern NUMBER = Pattern.compile(
            "[+-]?(\\d+\\.?\\d*([eE][+-]?\\d+)?|\\.\\d+([eE][+-]?\\d+)?|(?i:nan|inf|infinity))");
    private static final int BLOCK = 1 << 16;

    private CsvCodec() {
    }

    /**
     * @param in     the text (UTF-8)
     * @param name   the file name for messages
     * @param header whether the first data row holds column names
     * @param budget the largest array that may be allocated
     * @return a DOUBLE array {@code [rows, columns]}
     * @throws ArrayFormatException naming the line and column of the first malformed field
     * @throws IOException          on a read error
     */
    public static INDArray read(InputStream in, String name, CsvHeader header, MemoryBudget budget) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
        List<double[]> blocks = new ArrayList<>();
        double[] block = new double[BLOCK];
        int inBlock = 0;
        long rows = 0;
        int cols = -1;
        Pattern split = null;
        boolean headerDone = header == CsvHeader.ABSENT;
        long lineNo = 0;
        String line;
        try {
            while ((line = r.readLine()) != null) {
                lineNo++;
                int hash = line.indexOf('#');
                String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (text.isEmpty()) {
                    continue;
                }
                if (split == null) {
                    split = text.indexOf(',') >= 0 ? Pattern.compile(",") : Pattern.compile("\\s+");
                }
                String[] fields = split.split(text, -1);
                if (!headerDone) {
                    headerDone = true;
                    if (header == CsvHeader.PRESENT || allNames(fields)) {
                        cols = fields.length;
                        continue;
                    }
                }
                if (cols >= 0 && fields.length != cols) {
                    throw new ArrayFormatException(name, "line " + lineNo + " has " + fields.length + " columns, "
                            + (rows == 0 ? "the header has " : "the rows before it have ") + cols);
                }
                cols = fields.length;
                for (int c = 0; c < fields.length; c++) {
                    String f = fields[c].strip();
                    if (!NUMBER.matcher(f).matches()) {
                        throw new ArrayFormatException(name, "line " + lineNo + " column " + (c + 1) + " is not a number ('"
                                + abbreviate(f) + "')" + (rows == 0 && header == CsvHeader.AUTO
                                ? "; a header row must hold only names (or say the file has one: --header on the "
                                + "command line, CsvHeader.PRESENT in Java)" : ""));
                    }
                    if (inBlock == BLOCK) {
                        blocks.add(block);
                        block = new double[BLOCK];
                        inBlock = 0;
                    }
                    block[inBlock++] = parse(f);
                }
                rows++;
            }
        } catch (CharacterCodingException e) {
            throw new ArrayFormatException(name, "line " + (lineNo + 1) + " is not UTF-8 text: not a CSV file", e);
        }
        if (rows == 0) {
            throw new ArrayFormatException(name, "holds no rows of numbers" + (cols >= 0 ? " (only a header)" : ""));
        }
        long n = rows * cols;
        budget.check("reading " + name + " ([" + rows + ", " + cols + "] float64)", MemoryBudget.bytes(DataType.DOUBLE, n),
                "read a smaller file or raise the memory budget");
        INDArray out;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            out = Nd4j.create(DataType.DOUBLE, rows, cols);
        }
        DataBuffer d = out.data();
        long k = 0;
        blocks.add(block);
        for (double[] b : blocks) {
            int m = (int) Math.min(BLOCK, n - k);
            for (int i = 0; i < m; i++) {
                d.put(k + i, b[i]);
            }
            k += m;
        }
        return out;
    }

    private static boolean allNames(String[] fields) {
        for (String f : fields) {
            String s = f.strip();
            if (s.isEmpty() || NUMBER.matcher(s).matches()) {
                return false;
            }
        }
        return true;
    }

    private static double parse(String f) {
        String s = f.toLowerCase(java.util.Locale.ROOT);
        boolean neg = s.startsWith("-");
        String body = s.startsWith("+") || neg ? s.substring(1) : s;
        if (body.equals("nan")) {
            return Double.NaN;
        }
        if (body.equals("inf") || body.equals("infinity")) {
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(f);
    }

    private static String abbreviate(String s) {
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /**
     * @param m      a 2-D array
     * @param header column names, or {@code null} for none
     * @param out    where to write (UTF-8, not closed)
     * @throws IOException on a write error
     */
    public static void write(INDArray m, List<String> header, OutputStream out) throws IOException {
        Writer w = new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
        if (header != null) {
            w.write(String.join(",", header));
            w.write('\n');
        }
        StringBuilder sb = new StringBuilder();
        for (long i = 0; i < m.size(0); i++) {
            double[] row = m.getRow(i).castTo(DataType.DOUBLE).toDoubleVector();
            sb.setLength(0);
            for (int j = 0; j < row.length; j++) {
                if (j > 0) {
                    sb.append(',');
                }
                appendNumber(sb, row[j]);
            }
            sb.append('\n');
            w.write(sb.toString());
        }
        w.flush();
    }

    /** Integers (below 2^53) without a fraction ({@code 64}, not {@code 64.0}); others as {@link Double#toString}. */
    private static void appendNumber(StringBuilder sb, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 0x1p53 && (v != 0 || 1 / v > 0)) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
    }

    /**
     * @param header column names
     * @param cols   the number of columns
     * @throws IllegalArgumentException when a name would not read back as the same header
     */
    public static void checkHeader(List<String> header, long cols) {
        if (header.size() != cols) {
            throw new IllegalArgumentException("cannot write " + header.size() + " column names for " + cols
                    + " columns");
        }
        for (String h : header) {
            if (h == null || h.isBlank() || h.strip().length() != h.length() || NUMBER.matcher(h).matches()
                    || h.matches(".*[,#\\s\"].*")) {
                throw new IllegalArgumentException("cannot write column name '" + h + "': use a non-numeric name "
                        + "without commas, '#', quotes or spaces");
            }
        }
    }
}
