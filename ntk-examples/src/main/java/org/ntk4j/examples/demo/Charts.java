package org.ntk4j.examples.demo;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Shared look of the demo's figures (XChart, 1000×620 PNG, white background, legend below the plot). */
final class Charts {
    static final int WIDTH = 1000;
    static final int HEIGHT = 620;
    /** Colours of the first and second width (narrow, wide) and the reference curve. */
    static final Color NARROW = new Color(0x2c, 0xa0, 0x2c);
    static final Color NARROW_LIGHT = new Color(0x98, 0xdf, 0x8a);
    static final Color WIDE = new Color(0xd6, 0x27, 0x28);
    static final Color WIDE_LIGHT = new Color(0xff, 0x98, 0x96);
    static final Color REFERENCE = new Color(0x1f, 0x1f, 0x1f);
    static final Color GP = new Color(0x1f, 0x77, 0xb4);

    private Charts() {
    }

    static XYChart chart(String title, String xAxis, String yAxis) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xAxis).yAxisTitle(yAxis)
                .build();
        XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(0xe0, 0xe0, 0xe0));
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setMarkerSize(7);
        s.setXAxisDecimalPattern("0.##");
        s.setYAxisDecimalPattern("0.0##");
        return c;
    }

    /** A line without markers. */
    static XYSeries line(XYChart c, String name, double[] x, double[] y, Color color, float width, boolean dashed,
                         boolean inLegend) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineWidth(width);
        // XChart cycles line styles per series unless told: set solid lines explicitly
        s.setLineStyle(dashed ? new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[]{7f, 5f}, 0f) : new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        s.setShowInLegend(inLegend);
        return s;
    }

    /** Markers without a line. */
    static XYSeries points(XYChart c, String name, double[] x, double[] y, Color color, boolean inLegend) {
        XYSeries s = c.addSeries(name, x, y);
        s.setLineStyle(SeriesLines.NONE);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
        s.setShowInLegend(inLegend);
        return s;
    }

    /** Log axes that start and end at powers of ten, so that XChart labels at least two decades. */
    static void logLog(XYChart c, double[] x, double[] y) {
        c.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        c.getStyler().setXAxisDecimalPattern("0.###").setYAxisDecimalPattern("0.####");
        c.getStyler().setXAxisMin(decadeBelow(x)).setXAxisMax(decadeAbove(x));
        c.getStyler().setYAxisMin(decadeBelow(y)).setYAxisMax(decadeAbove(y));
    }

    private static double decadeBelow(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double d : v) {
            m = d > 0 ? Math.min(m, d) : m;
        }
        return Math.pow(10, Math.floor(Math.log10(m)));
    }

    private static double decadeAbove(double[] v) {
        double m = 0;
        for (double d : v) {
            m = Math.max(m, d);
        }
        return Math.pow(10, Math.ceil(Math.log10(m)));
    }

    /** Writes the chart as PNG under a temporary name, then moves it into place. */
    static void png(XYChart chart, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
