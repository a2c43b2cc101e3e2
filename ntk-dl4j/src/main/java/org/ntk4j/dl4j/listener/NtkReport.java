package org.ntk4j.dl4j.listener;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.ntk4j.dl4j.listener.internal.SnapshotCodec;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The files of a one-call report on the history of an NTK listener (any {@link NtkHistory}: the DL4J or the SameDiff
 * listener), drawn with XChart:
 * <ul>
 *   <li>{@code drift.png}: relative kernel drift {@code ‖Θt − Θ0‖/‖Θ0‖} and relative parameter change
 *   {@code ‖θt − θ0‖/‖θ0‖} against the iteration;</li>
 *   <li>{@code spectrum.png}: the eigenvalues of the kernel, largest first (log scale), at up to six snapshots from
 *   the first to the last (only from a live listener);</li>
 *   <li>{@code eigenvalues.png}: trace, λmax and λmin against the iteration (log scale;
 *   non-positive values are left out);</li>
 *   <li>{@code alignment.png}: centred kernel–target alignment against the iteration (only when probe labels were
 *   given);</li>
 *   <li>{@code snapshots.csv}: the history (same format as {@link NtkSinks#csv(Path)}).</li>
 * </ul>
 * Each file is written under a temporary name and moved into place, so no half-written file is left behind.
 *
 * @param directory where the files are
 * @param files     the files written, in the order above
 */
public record NtkReport(Path directory, List<Path> files) {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int MAX_SPECTRA = 6;

    /**
     * Copies the file list.
     *
     * @param directory where the files are
     * @param files     the files written, in the order above
     */
    public NtkReport {
        files = List.copyOf(files);
    }

    /**
     * @param listener  a listener (or any history) with at least one snapshot
     * @param directory created if missing
     * @return the report
     */
    public static NtkReport write(NtkHistory listener, Path directory) {
        if (listener == null) {
            throw new IllegalArgumentException("listener must not be null (got: null)");
        }
        return write(listener.history(), listener.spectra(), directory);
    }

    /**
     * A report from a history alone, e.g. read back with {@link NtkSinks#readCsv(Path)} (no {@code spectrum.png}: the
     * eigenvalues are not part of a snapshot).
     *
     * @param history   at least one snapshot
     * @param directory created if missing
     * @return the report
     */
    public static NtkReport write(List<NtkSnapshot> history, Path directory) {
        return write(history, List.of(), directory);
    }

    private static NtkReport write(List<NtkSnapshot> history, List<NtkSpectrum> spectra, Path directory) {
        if (directory == null) {
            throw new IllegalArgumentException("directory must not be null (got: null)");
        }
        if (history == null || history.isEmpty()) {
            throw new IllegalStateException("the NTK history is empty: attach the listener (net.addListeners(...) or"
                    + " sd.setListeners(...)) and train, or call initialize(...), before writing a report");
        }
        List<Path> files = new ArrayList<>();
        try {
            Files.createDirectories(directory);
            files.add(png(directory.resolve("drift.png"), driftChart(history)));
            if (!spectra.isEmpty()) {
                files.add(png(directory.resolve("spectrum.png"), spectrumChart(spectra)));
            }
            files.add(png(directory.resolve("eigenvalues.png"), eigenvalueChart(history)));
            if (history.stream().anyMatch(NtkSnapshot::hasAlignment)) {
                files.add(png(directory.resolve("alignment.png"), alignmentChart(history)));
            }
            StringBuilder csv = new StringBuilder(SnapshotCodec.csvHeader()).append('\n');
            for (NtkSnapshot s : history) {
                csv.append(SnapshotCodec.toCsv(s)).append('\n');
            }
            Path c = directory.resolve("snapshots.csv");
            atomicWrite(c, out -> out.write(csv.toString().getBytes(StandardCharsets.UTF_8)));
            files.add(c);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the NTK report to " + directory + ": " + e.getMessage(), e);
        }
        return new NtkReport(directory, files);
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setMarkerSize(5);
        return c;
    }

    private static XYChart driftChart(List<NtkSnapshot> h) {
        XYChart c = chart("NTK drift from initialisation", "iteration", "relative change");
        add(c, "kernel drift ||Θt − Θ0|| / ||Θ0||", h, NtkSnapshot::drift, false);
        add(c, "parameter change ||θt − θ0|| / ||θ0||", h, NtkSnapshot::parameterChange, false);
        return c;
    }

    private static XYChart eigenvalueChart(List<NtkSnapshot> h) {
        XYChart c = chart("NTK eigenvalues during training", "iteration", "eigenvalue");
        c.getStyler().setYAxisLogarithmic(true);
        int added = 0;
        added += add(c, "trace", h, NtkSnapshot::trace, true);
        added += add(c, "λmax", h, NtkSnapshot::lambdaMax, true);
        added += add(c, "λmin", h, NtkSnapshot::lambdaMin, true);
        if (added == 0) {
            c.getStyler().setYAxisLogarithmic(false);
            c.setTitle("NTK eigenvalues during training (no positive value to show)");
        }
        return c;
    }

    private static XYChart alignmentChart(List<NtkSnapshot> h) {
        XYChart c = chart("Centred kernel–target alignment", "iteration", "alignment");
        add(c, "alignment(Θt, yyᵀ)", h, NtkSnapshot::alignment, false);
        return c;
    }

    private static XYChart spectrumChart(List<NtkSpectrum> spectra) {
        XYChart c = chart("NTK spectrum", "rank of eigenvalue", "eigenvalue");
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setMarkerSize(0);
        int n = spectra.size();
        List<Integer> pick = new ArrayList<>();
        int k = Math.min(MAX_SPECTRA, n);
        for (int i = 0; i < k; i++) {
            int idx = k == 1 ? 0 : (int) Math.round(i * (n - 1) / (double) (k - 1));
            if (!pick.contains(idx)) {
                pick.add(idx);
            }
        }
        for (int idx : pick) {
            NtkSpectrum s = spectra.get(idx);
            List<Double> x = new ArrayList<>(), y = new ArrayList<>();
            double[] ev = s.eigenvalues();
            for (int i = 0; i < ev.length; i++) {
                if (ev[i] > 0) {
                    x.add(i + 1.0);
                    y.add(ev[i]);
                }
            }
            if (!x.isEmpty()) {
                c.addSeries("iteration " + s.iteration(), x, y);
            }
        }
        if (c.getSeriesMap().isEmpty()) {
            c.getStyler().setYAxisLogarithmic(false);
            c.setTitle("NTK spectrum (no positive eigenvalue)");
            c.addSeries("none", new double[]{1}, new double[]{0});
        }
        return c;
    }

    /** Adds the finite (and, for log axes, positive) points of one quantity; returns 1 if a series was added. */
    private static int add(XYChart c, String name, List<NtkSnapshot> h, ToDoubleFunction<NtkSnapshot> f, boolean log) {
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (NtkSnapshot s : h) {
            double v = f.applyAsDouble(s);
            if (Double.isFinite(v) && (!log || v > 0)) {
                x.add((double) s.iteration());
                y.add(v);
            }
        }
        if (x.isEmpty()) {
            return 0;
        }
        c.addSeries(name, x, y);
        return 1;
    }

    private static Path png(Path file, XYChart chart) throws IOException {
        atomicWrite(file, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
        return file;
    }

    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static void atomicWrite(Path file, Writer w) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        // not createTempFile: its file is owner-only (rw-------); this one gets the umask's permissions
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                w.write(out);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
