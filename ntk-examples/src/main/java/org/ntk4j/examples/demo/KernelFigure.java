package org.ntk4j.examples.demo;

import org.knowm.xchart.XYChart;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Fig. 1 of Jacot et al. (2018): {@code Θ(x0, x_γ)} with {@code x0 = (1, 0)} against γ, for two widths, several
 * initialisations each, at initialisation and after training, next to the infinite-width NTK.
 */
final class KernelFigure {
    /**
     * One network of the figure.
     *
     * @param width     hidden width
     * @param seed      initialisation seed
     * @param init      Θ(x0, x_γ) on the grid at initialisation
     * @param trained   Θ(x0, x_γ) after training
     * @param drift     ‖Θ_T − Θ_0‖ / ‖Θ_0‖ on the grid
     * @param initError ‖Θ_0 − Θ_∞‖ / ‖Θ_∞‖ on the grid
     * @param lossStart DL4J's MSE on the training points before training
     * @param lossEnd   after training
     * @param seconds   wall time of this network
     */
    record Curve(int width, long seed, double[] init, double[] trained, double drift, double initError,
                 double lossStart, double lossEnd, double seconds) {
    }

    /**
     * @param limit  the analytic Θ_∞(x0, x_γ) on the grid
     * @param curves one per network, narrow first
     */
    record Result(double[] limit, List<Curve> curves) {
    }

    private KernelFigure() {
    }

    /** @return the analytic Θ_∞(x0, x_γ) on the grid */
    static double[] limit(Circle c) {
        return NtkMlp.analytic().compute(Circle.points(0.0), Circle.points(c.grid())).ntk().toDoubleVector();
    }

    static void plot(Result r, DemoSettings s, Circle c, Path file) throws IOException {
        XYChart chart = Charts.chart("Jacot et al. Fig. 1: NTK of depth-4 ReLU networks on the unit circle",
                "γ (radians), x_γ = (cos γ, sin γ)", "Θ(x₀, x_γ), x₀ = (1, 0)");
        double[] g = c.grid();
        int n = 0;
        for (int i = 0; i < 2; i++) {
            int w = s.kernelWidths()[i];
            Color light = i == 0 ? Charts.NARROW_LIGHT : Charts.WIDE_LIGHT;
            Color dark = i == 0 ? Charts.NARROW : Charts.WIDE;
            boolean first = true;
            for (Curve cv : r.curves()) {
                if (cv.width() != w) {
                    continue;
                }
                Charts.line(chart, String.format(Locale.ROOT, "n = %d, t = 0", w) + (first ? "" : " #" + n), g,
                        cv.init(), light, 1.6f, true, first);
                Charts.line(chart, String.format(Locale.ROOT, "n = %d, t = %d steps", w, s.steps())
                        + (first ? "" : " #" + n), g, cv.trained(), dark, 1.3f, false, first);
                first = false;
                n++;
            }
        }
        Charts.line(chart, "n = ∞ (analytic NTK)", g, r.limit(), Charts.REFERENCE, 3.0f, false, true);
        chart.getStyler().setXAxisMin(-Math.PI).setXAxisMax(Math.PI);
        Charts.png(chart, file);
    }

    /** @return the table behind the figure: γ, the limit, then Θ at init and after training per network */
    static Table table(Result r, Circle c) {
        Table t = new Table().columns("gamma", "theta_limit");
        for (Curve cv : r.curves()) {
            t.columns("theta_init_w" + cv.width() + "_s" + cv.seed(), "theta_trained_w" + cv.width() + "_s" + cv.seed());
        }
        for (int i = 0; i < c.grid().length; i++) {
            double[] row = new double[2 + 2 * r.curves().size()];
            row[0] = c.grid()[i];
            row[1] = r.limit()[i];
            for (int n = 0; n < r.curves().size(); n++) {
                row[2 + 2 * n] = r.curves().get(n).init()[i];
                row[3 + 2 * n] = r.curves().get(n).trained()[i];
            }
            t.row(row);
        }
        return t;
    }
}
