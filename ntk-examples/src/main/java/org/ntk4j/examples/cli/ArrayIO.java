package org.ntk4j.examples.cli;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.kernel.KernelLayout;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads and writes arrays as NumPy {@code .npy} or {@code .csv}; writes atomically (no partial files). */
public final class ArrayIO {
    private ArrayIO() {
    }

    /**
     * @param path a {@code .npy} or {@code .csv} file (csv: one example per line, comma-separated numbers)
     * @return the array
     */
    public static INDArray read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("cannot read " + path + ": no such file");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".npy")) {
                return Nd4j.createFromNpyFile(path.toFile());
            }
            if (name.endsWith(".csv")) {
                return readCsv(path);
            }
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage());
        }
        throw new IllegalArgumentException("cannot read " + path + ": use a .npy or .csv file");
    }

    private static INDArray readCsv(Path path) throws IOException {
        List<double[]> rows = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.split(",");
            double[] r = new double[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    r[i] = Double.parseDouble(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("cannot read " + path + ": line " + lineNo + " column " + (i + 1)
                            + " is not a number ('" + parts[i].trim() + "')");
                }
            }
            if (!rows.isEmpty() && rows.get(0).length != r.length) {
                throw new IllegalArgumentException("cannot read " + path + ": line " + lineNo + " has " + r.length
                        + " columns, the first has " + rows.get(0).length);
            }
            rows.add(r);
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("cannot read " + path + ": the file is empty");
        }
        return Nd4j.createFromArray(rows.toArray(new double[0][]));
    }

    /**
     * Writes {@code a} to a temporary file next to {@code path}, then moves it into place.
     * CSV files hold 2-D arrays; a 4-D FULL kernel is written to CSV in its flattened {@code [n1·o, n2·o]} layout.
     *
     * @param a    the array
     * @param path a {@code .npy} or {@code .csv} destination
     */
    public static void write(INDArray a, Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".npy") && !name.endsWith(".csv")) {
            throw new IllegalArgumentException("cannot write " + path + ": use a .npy or .csv file name");
        }
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cannot write " + path + ": directory " + dir + " does not exist");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile(dir, ".ntk-", ".tmp");
            if (name.endsWith(".npy")) {
                Nd4j.writeAsNumpy(a, tmp.toFile());
            } else {
                writeCsv(a.rank() == 4 ? KernelLayout.flatten(a) : a, tmp.toFile());
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + path + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    private static void writeCsv(INDArray a, File f) throws IOException {
        INDArray m = a.rank() == 1 ? a.reshape(1, a.length()) : a;
        if (m.rank() != 2) {
            throw new IllegalArgumentException("CSV holds 2-D arrays; got rank " + a.rank() + ": use .npy");
        }
        INDArray d = m.castTo(DataType.DOUBLE);
        try (BufferedWriter w = Files.newBufferedWriter(f.toPath(), StandardCharsets.UTF_8)) {
            for (long i = 0; i < d.size(0); i++) {
                StringBuilder sb = new StringBuilder();
                for (long j = 0; j < d.size(1); j++) {
                    if (j > 0) {
                        sb.append(',');
                    }
                    sb.append(d.getDouble(i, j));
                }
                w.write(sb.toString());
                w.newLine();
            }
        }
    }
}
