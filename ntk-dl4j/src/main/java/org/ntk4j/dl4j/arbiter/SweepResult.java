package org.ntk4j.dl4j.arbiter;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.dl4j.arbiter.internal.SweepPlots;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The results of a {@link WidthSweep}: one row per Arbiter candidate (sorted by width, then seed), and the log–log
 * slopes of the drift and of the linearization gap against width, fitted over every row (each seed is a point).
 * Immutable.
 *
 * @param rows                the candidates
 * @param driftSlope          fit of {@code drift ∝ width^slope} (theory in the kernel regime: about −0.5)
 * @param gapSlope            fit of {@code gap ∝ width^slope}, or null when the gap was not computed
 * @param candidatesGenerated how many candidates Arbiter's grid generated
 * @param candidatesScored    how many of them Arbiter trained and scored
 */
public record SweepResult(List<SweepRow> rows, SlopeFit driftSlope, SlopeFit gapSlope, int candidatesGenerated,
                          int candidatesScored) {
    /** CSV header of {@link #writeCsv(Path)}. */
    public static final String CSV_HEADER = "candidate,width,seed,learning_rate,drift,gap,test_loss,lambda_min,lambda_max,seconds";

    /**
     * Sorts and copies the rows.
     *
     * @param rows                the candidates
     * @param driftSlope          fit of {@code drift ∝ width^slope} (theory in the kernel regime: about −0.5)
     * @param gapSlope            fit of {@code gap ∝ width^slope}, or null when the gap was not computed
     * @param candidatesGenerated how many candidates Arbiter's grid generated
     * @param candidatesScored    how many of them Arbiter trained and scored
     */
    public SweepResult {
        rows = rows.stream().sorted(Comparator.comparingInt(SweepRow::width).thenComparingLong(SweepRow::seed)).toList();
    }

    /** @return the rows as a fixed-width text table, one line per candidate, and the fitted slopes */
    public String table() {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%-7s %-6s %-10s %-11s %-11s %-11s %-11s %-11s %-7s%n",
                "width", "seed", "lr", "drift", "gap", "test_loss", "lambda_min", "lambda_max", "seconds"));
        for (SweepRow r : rows) {
            t.append(String.format(Locale.ROOT, "%-7d %-6d %-10.4g %-11.4g %-11.4g %-11.4g %-11.4g %-11.4g %-7.1f%n",
                    r.width(), r.seed(), r.learningRate(), r.drift(), r.gap(), r.testLoss(), r.lambdaMin(),
                    r.lambdaMax(), r.seconds()));
        }
        t.append(slopeLine("drift", driftSlope));
        if (gapSlope != null) {
            t.append(slopeLine("gap", gapSlope));
        }
        return t.toString();
    }

    private static String slopeLine(String name, SlopeFit f) {
        return String.format(Locale.ROOT, "%s ~ width^%.3f", name, f.slope())
                + (f.hasInterval() ? String.format(Locale.ROOT, "  (%.0f%% interval [%.3f, %.3f], %d points)%n",
                100 * f.confidence(), f.low(), f.high(), f.points())
                : String.format(Locale.ROOT, "  (%d points: no interval)%n", f.points()));
    }

    /** @return one line of JSON: {@code drift_slope}, its interval, {@code gap_slope}, its interval, and the row count */
    public String toJson() {
        StringBuilder j = new StringBuilder("{");
        j.append("\"drift_slope\":").append(num(driftSlope.slope()))
                .append(",\"drift_slope_low\":").append(num(driftSlope.low()))
                .append(",\"drift_slope_high\":").append(num(driftSlope.high()));
        j.append(",\"gap_slope\":").append(gapSlope == null ? "null" : num(gapSlope.slope()))
                .append(",\"gap_slope_low\":").append(gapSlope == null ? "null" : num(gapSlope.low()))
                .append(",\"gap_slope_high\":").append(gapSlope == null ? "null" : num(gapSlope.high()));
        j.append(",\"confidence\":").append(num(driftSlope.confidence()));
        j.append(",\"candidates\":").append(rows.size()).append('}');
        return j.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }

    /**
     * Writes the rows as CSV ({@link #CSV_HEADER}) with {@link ArrayFiles#writeCsv}: atomically (a temporary file, then
     * a rename), numbers that read back to the same {@code double}s, {@code NaN} for a gap not computed.
     *
     * @param file the CSV file; its folder is created
     * @return {@code file}
     */
    public Path writeCsv(Path file) {
        int cols = CSV_HEADER.split(",").length;
        double[] flat = new double[rows.size() * cols];
        int i = 0;
        for (SweepRow r : rows) {
            for (double v : new double[]{r.candidateIndex(), r.width(), r.seed(), r.learningRate(), r.drift(), r.gap(),
                    r.testLoss(), r.lambdaMin(), r.lambdaMax(), r.seconds()}) {
                flat[i++] = v;
            }
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        ArrayFiles.writeCsv(Nd4j.create(flat, new long[]{rows.size(), cols}, DataType.DOUBLE),
                List.of(CSV_HEADER.split(",")), file);
        return file;
    }

    /**
     * Writes {@code results.csv}, {@code drift-vs-width.png} and (when the gap was computed) {@code gap-vs-width.png}:
     * log–log axes, one point per candidate, the fitted line.
     *
     * @param directory created if missing
     * @return the files written
     */
    public List<Path> write(Path directory) {
        Path csv = writeCsv(directory.resolve("results.csv"));
        Path drift = SweepPlots.write(directory.resolve("drift-vs-width.png"), "NTK drift after training vs width",
                "relative drift ||Θ_T − Θ_0|| / ||Θ_0||", rows, SweepRow::drift, driftSlope);
        if (gapSlope == null) {
            return List.of(csv, drift);
        }
        Path gap = SweepPlots.write(directory.resolve("gap-vs-width.png"), "Linearization gap vs width",
                "held-out RMS |f_trained − f_linearized|", rows, SweepRow::gap, gapSlope);
        return List.of(csv, drift, gap);
    }

    /**
     * @param metric a column, e.g. {@code SweepRow::drift}
     * @param width  a width of the sweep
     * @return the mean of that column over the rows of that width (NaN when there are none)
     */
    public double mean(ToDoubleFunction<SweepRow> metric, int width) {
        return rows.stream().filter(r -> r.width() == width).mapToDouble(metric).average().orElse(Double.NaN);
    }

    /** @return the distinct widths, ascending */
    public List<Integer> widths() {
        return rows.stream().map(SweepRow::width).distinct().sorted().toList();
    }
}
