package org.ntk4j.examples.demo;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.io.ArrayFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The numbers behind one figure: named columns and rows of {@code double}s, written as CSV with a header row by
 * {@link ArrayFiles#writeCsv} (atomic; {@link ArrayFiles#read} gives the same numbers back).
 */
final class Table {
    private final List<String> header = new ArrayList<>();
    private final List<double[]> rows = new ArrayList<>();

    /**
     * @param names column names, appended in order
     * @return this
     */
    Table columns(String... names) {
        header.addAll(List.of(names));
        return this;
    }

    /**
     * @param values one value per column
     * @return this
     * @throws IllegalArgumentException when the count differs from the columns'
     */
    Table row(double... values) {
        if (values.length != header.size()) {
            throw new IllegalArgumentException("row of " + values.length + " values for " + header.size()
                    + " columns");
        }
        rows.add(values.clone());
        return this;
    }

    /** @return the column names */
    List<String> header() {
        return List.copyOf(header);
    }

    /** @return the rows, a copy */
    double[][] rows() {
        return rows.stream().map(double[]::clone).toArray(double[][]::new);
    }

    /**
     * @param file the CSV file, replaced atomically
     */
    void write(Path file) {
        double[] flat = new double[rows.size() * header.size()];
        for (int i = 0; i < rows.size(); i++) {
            System.arraycopy(rows.get(i), 0, flat, i * header.size(), header.size());
        }
        ArrayFiles.writeCsv(Nd4j.create(flat, new long[]{rows.size(), header.size()}, DataType.DOUBLE), header, file);
    }
}
