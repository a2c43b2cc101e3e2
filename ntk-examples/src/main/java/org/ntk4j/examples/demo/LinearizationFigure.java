package org.ntk4j.examples.demo;

import org.knowm.xchart.XYChart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Lee et al. (2019): how far a trained network is from its linearization,
 * {@code ‖f_T − f_lin‖ / ‖f_T − f_0‖} on held-out points, against the width, log–log, with the least-squares slope.
 */
final class LinearizationFigure {
    /**
     * @param slope     fitted exponent of {@code ratio ∝ width^slope} over every (width, seed)
     * @param intercept log-intercept of the fit
     * @param mean      mean ratio per sweep width
     */
    record Result(double slope, double intercept, double[] mean) {
    }

    private LinearizationFigure() {
    }

    static Result fit(DemoSettings s, List<WidthSweep.Run> runs) {
        double[] x = new double[runs.size()], y = new double[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            x[i] = runs.get(i).width();
            y[i] = runs.get(i).ratio();
        }
        double[] f = Stats.logLogFit(x, y);
        double[] mean = new double[s.sweepWidths().length];
        for (int i = 0; i < mean.length; i++) {
            int w = s.sweepWidths()[i];
            mean[i] = Stats.mean(runs.stream().filter(r -> r.width() == w).mapToDouble(WidthSweep.Run::ratio).toArray());
        }
        return new Result(f[0], f[1], mean);
    }

    static void plot(Result r, DemoSettings s, List<WidthSweep.Run> runs, Path file) throws IOException {
        XYChart chart = Charts.chart("Lee et al. 2019: trained network vs its linearization",
                "hidden width n (units, log scale)", "‖f_T − f_lin‖ / ‖f_T − f_0‖ on held-out points (log scale)");
        double[] x = new double[runs.size()], y = new double[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            x[i] = runs.get(i).width();
            y[i] = runs.get(i).ratio();
        }
        Charts.logLog(chart, x, y);
        Charts.points(chart, s.sweepSeeds() + " seeds per width", x, y, Charts.WIDE, true);
        double[] w = new double[s.sweepWidths().length];
        double[] fit = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = s.sweepWidths()[i];
            fit[i] = Math.exp(r.intercept()) * Math.pow(w[i], r.slope());
        }
        Charts.line(chart, "mean over seeds", w, r.mean(), Charts.WIDE, 1.5f, false, true);
        Charts.line(chart, String.format(Locale.ROOT, "fit: ratio ∝ n^%.2f", r.slope()), w, fit, Charts.REFERENCE, 2.5f,
                true, true);
        Charts.png(chart, file);
    }

    /** @return the table behind the figure: one row per network */
    static Table table(List<WidthSweep.Run> runs) {
        Table t = new Table().columns("width", "seed", "ratio", "loss_end", "seconds");
        for (WidthSweep.Run r : runs) {
            t.row(r.width(), r.seed(), r.ratio(), r.lossEnd(), r.seconds());
        }
        return t;
    }
}
