package org.ntk4j.examples.demo;

import org.knowm.xchart.XYChart;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.predict.EnsemblePrediction;
import org.ntk4j.core.predict.GaussianProcessEnsemble;
import org.ntk4j.dl4j.analytic.AnalyticKernel;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Fig. 2 of Jacot et al. (2018): the functions of trained networks of several widths and initialisations against
 * the 10th, 50th and 90th percentiles of the NTK Gaussian process — the distribution of infinitely wide networks
 * after the same gradient-descent time ({@link GaussianProcessEnsemble#ntkGp}, analytic kernels).
 */
final class GpFigure {
    /** z of the 90th percentile of a standard normal. */
    static final double Z90 = 1.2815515655446004;

    /**
     * @param mean     the GP median (= mean) on the grid
     * @param std      its pointwise standard deviation
     * @param coverage per sweep width, the fraction of (network, held-out point) pairs inside the 10–90 % band
     */
    record Result(double[] mean, double[] std, double[] heldMean, double[] heldStd, double[] coverage) {
    }

    private GpFigure() {
    }

    static Result run(DemoSettings s, Circle c, List<WidthSweep.Run> runs) {
        AnalyticKernel k = NtkMlp.analytic();
        INDArray xt = Circle.points(c.trainG());
        INDArray y = Circle.target(xt);
        KernelPair train = k.compute(xt);
        GaussianProcessEnsemble ens = GaussianProcessEnsemble.builder(train.ntk(), train.nngp(), y).build();
        double[][] grid = predict(ens, k, xt, Circle.points(c.grid()), s.time());
        double[][] held = predict(ens, k, xt, Circle.points(c.heldOut()), s.time());
        double[] coverage = new double[s.sweepWidths().length];
        for (int i = 0; i < coverage.length; i++) {
            int in = 0, all = 0;
            for (WidthSweep.Run r : runs) {
                if (r.width() != s.sweepWidths()[i]) {
                    continue;
                }
                for (int j = 0; j < held[0].length; j++) {
                    all++;
                    if (Math.abs(r.trainedHeld()[j] - held[0][j]) <= Z90 * held[1][j]) {
                        in++;
                    }
                }
            }
            coverage[i] = all == 0 ? Double.NaN : in / (double) all;
        }
        return new Result(grid[0], grid[1], held[0], held[1], coverage);
    }

    private static double[][] predict(GaussianProcessEnsemble ens, AnalyticKernel k, INDArray xt, INDArray x, double t) {
        KernelPair cross = k.compute(x, xt);
        KernelPair self = k.compute(x);
        EnsemblePrediction p = ens.ntkGp(t, cross.ntk(), cross.nngp(), self.nngp());
        double[] mean = p.mean().toDoubleVector();
        INDArray cov = p.covariance();
        double[] std = new double[mean.length];
        for (int i = 0; i < std.length; i++) {
            std[i] = Math.sqrt(Math.max(0.0, cov.getDouble(i, i)));
        }
        return new double[][]{mean, std};
    }

    static void plot(Result r, DemoSettings s, Circle c, List<WidthSweep.Run> runs, Path file) throws IOException {
        XYChart chart = Charts.chart("Jacot et al. Fig. 2: trained networks vs the NTK Gaussian process",
                "γ (radians), x_γ = (cos γ, sin γ)", "network output f(x_γ)");
        double[] g = c.grid();
        int narrow = s.sweepWidths()[0];
        int wide = s.sweepWidths()[s.sweepWidths().length - 1];
        int k = 0;
        for (int w : new int[]{narrow, wide}) {
            boolean first = true;
            Color color = w == narrow ? Charts.NARROW : Charts.WIDE;
            for (WidthSweep.Run run : runs) {
                if (run.width() == w) {
                    Charts.line(chart, String.format(Locale.ROOT, "trained, n = %d", w) + (first ? "" : " #" + k), g,
                            run.trainedGrid(), color, 1.2f, false, first);
                    first = false;
                    k++;
                }
            }
        }
        double[] lo = new double[g.length], hi = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            lo[i] = r.mean()[i] - Z90 * r.std()[i];
            hi[i] = r.mean()[i] + Z90 * r.std()[i];
        }
        Charts.line(chart, "NTK-GP 50th percentile", g, r.mean(), Charts.GP, 3.0f, false, true);
        Charts.line(chart, "NTK-GP 10th / 90th percentiles", g, lo, Charts.GP, 2.2f, true, true);
        Charts.line(chart, "90th", g, hi, Charts.GP, 2.2f, true, false);
        INDArray xt = Circle.points(c.trainG());
        Charts.points(chart, "training points f*(x) = x₁x₂", c.trainG(), Circle.target(xt).toDoubleVector(),
                Charts.REFERENCE, true);
        chart.getStyler().setXAxisMin(-Math.PI).setXAxisMax(Math.PI);
        Charts.png(chart, file);
    }

    /** @return the table behind the figure: γ, GP mean, 10th and 90th percentiles, then f_T per sweep network */
    static Table table(Result r, Circle c, List<WidthSweep.Run> runs) {
        Table t = new Table().columns("gamma", "gp_p50", "gp_p10", "gp_p90");
        for (WidthSweep.Run run : runs) {
            t.columns("f_trained_w" + run.width() + "_s" + run.seed());
        }
        for (int i = 0; i < c.grid().length; i++) {
            double m = r.mean()[i], d = Z90 * r.std()[i];
            double[] row = new double[4 + runs.size()];
            row[0] = c.grid()[i];
            row[1] = m;
            row[2] = m - d;
            row[3] = m + d;
            for (int n = 0; n < runs.size(); n++) {
                row[4 + n] = runs.get(n).trainedGrid()[i];
            }
            t.row(row);
        }
        return t;
    }
}
