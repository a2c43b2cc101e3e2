package org.ntk4j.dl4j.arbiter.internal;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.ntk4j.dl4j.arbiter.SlopeFit;
import org.ntk4j.dl4j.arbiter.SweepRow;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/** PNG plots of a width sweep: one metric against width on log–log axes, a point per candidate, the fitted line. */
public final class SweepPlots {
    private SweepPlots() {
    }

    /**
     * @param file   the PNG file (written atomically)
     * @param title  chart title
     * @param yTitle y axis title
     * @param rows   the candidates
     * @param metric the plotted column
     * @param fit    the fitted line
     * @return {@code file}
     */
    public static Path write(Path file, String title, String yTitle, List<SweepRow> rows, ToDoubleFunction<SweepRow> metric,
                             SlopeFit fit) {
        XYChart c = new XYChartBuilder().width(800).height(560).title(title).xAxisTitle("width").yAxisTitle(yTitle).build();
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setYAxisLogarithmic(true);
        c.getStyler().setMarkerSize(8);
        TreeMap<Long, List<SweepRow>> bySeed = new TreeMap<>();
        for (SweepRow r : rows) {
            if (metric.applyAsDouble(r) > 0) {
                bySeed.computeIfAbsent(r.seed(), k -> new ArrayList<>()).add(r);
            }
        }
        double wMin = Double.POSITIVE_INFINITY;
        double wMax = 0;
        for (var e : bySeed.entrySet()) {
            List<SweepRow> rs = e.getValue();
            double[] x = new double[rs.size()];
            double[] y = new double[rs.size()];
            for (int i = 0; i < rs.size(); i++) {
                x[i] = rs.get(i).width();
                y[i] = metric.applyAsDouble(rs.get(i));
                wMin = Math.min(wMin, x[i]);
                wMax = Math.max(wMax, x[i]);
            }
            XYSeries s = c.addSeries("seed " + e.getKey(), x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        if (wMax > 0 && fit != null) {
            XYSeries line = c.addSeries(String.format(Locale.ROOT, "fit: slope %.3f", fit.slope())
                            + (fit.hasInterval() ? String.format(Locale.ROOT, " [%.3f, %.3f]", fit.low(), fit.high()) : ""),
                    new double[]{wMin, wMax}, new double[]{fit.predict(wMin), fit.predict(wMax)});
            line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(Color.DARK_GRAY);
        }
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                BitmapEncoder.saveBitmap(c, out, BitmapEncoder.BitmapFormat.PNG);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
