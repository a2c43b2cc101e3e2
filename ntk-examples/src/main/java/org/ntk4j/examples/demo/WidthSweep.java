package org.ntk4j.examples.demo;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.linearized.LinearizedNetwork;
import org.ntk4j.dl4j.listener.NtkListener;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Trains every network of the demo once: each width of Fig. 1 and of the sweep, each seed, by full-batch SGD. For a
 * Fig. 1 width it records Θ(x0, x_γ) before and after training (and, for the first seed, the NTK tracked by an
 * {@link NtkListener}); for a sweep width the outputs and the closed-form prediction of the network's linearization
 * (Lee et al. 2019) taken at initialisation. A width in both sets is trained once.
 */
final class WidthSweep {
    /**
     * One trained network of the sweep.
     *
     * @param width       hidden width
     * @param seed        initialisation seed
     * @param trainedGrid f_T on the grid
     * @param initHeld    f_0 on the held-out points
     * @param trainedHeld f_T on the held-out points
     * @param linHeld     f_lin after the same steps, on the held-out points
     * @param ratio       ‖f_T − f_lin‖ / ‖f_T − f_0‖ on the held-out points
     * @param lossEnd     DL4J's MSE on the training points after training
     * @param seconds     wall time
     */
    record Run(int width, long seed, double[] trainedGrid, double[] initHeld, double[] trainedHeld, double[] linHeld,
               double ratio, double lossEnd, double seconds) {
    }

    /**
     * @param sweep   the networks of the sweep widths
     * @param kernels Fig. 1
     */
    record Outcome(List<Run> sweep, KernelFigure.Result kernels) {
    }

    private WidthSweep() {
    }

    static Outcome run(DemoSettings s, Circle c, Path reportDir, PrintStream progress) {
        INDArray grid = NtkMlp.scaleInputs(Circle.points(c.grid()));
        INDArray held = NtkMlp.scaleInputs(Circle.points(c.heldOut()));
        INDArray x0 = NtkMlp.scaleInputs(Circle.points(0.0));
        // the listener watches every 4th grid point (γ = π left out: it is the point γ = −π again, which would make
        // the probe kernel singular): enough for its plots, cheap at large widths
        INDArray probe = NtkMlp.scaleInputs(Circle.points(everyNth(Arrays.copyOf(c.grid(), c.grid().length - 1), 4)));
        DataSet train = c.trainingSet();
        EmpiricalNtk ntk = EmpiricalNtk.builder().outputMode(OutputMode.TRACE).build();
        TreeSet<Integer> kernelWidths = new TreeSet<>(), sweepWidths = new TreeSet<>(), all = new TreeSet<>();
        for (int w : s.kernelWidths()) {
            kernelWidths.add(w);
        }
        for (int w : s.sweepWidths()) {
            sweepWidths.add(w);
        }
        all.addAll(kernelWidths);
        all.addAll(sweepWidths);
        List<Run> runs = new ArrayList<>();
        List<KernelFigure.Curve> curves = new ArrayList<>();
        for (int w : all) {
            boolean kernel = kernelWidths.contains(w), sweep = sweepWidths.contains(w);
            int seeds = Math.max(kernel ? s.kernelSeeds() : 0, sweep ? s.sweepSeeds() : 0);
            for (int seed = 0; seed < seeds; seed++) {
                long t0 = System.nanoTime();
                MultiLayerNetwork net = NtkMlp.create(w, seed, s.learningRate());
                boolean k = kernel && seed < s.kernelSeeds(), sw = sweep && seed < s.sweepSeeds();
                double[] k0 = k ? ntk.compute(net, x0, grid).toDoubleVector() : null;
                double lossStart = Training.mse(net, train);
                double[] f0 = net.output(held, false).toDoubleVector();
                double[] fLin = null;
                if (sw) {
                    LinearizedNetwork lin = LinearizedNetwork.of(net).learningRate(s.learningRate()).build().fit(train);
                    fLin = lin.output(held, s.steps()).toDoubleVector();
                }
                NtkListener listener = null;
                if (k && seed == 0 && reportDir != null) {
                    listener = NtkListener.builder(probe).everyNIterations(Math.max(1, s.steps() / 10)).build();
                    net.addListeners(listener);
                }
                Training.fit(net, train, s.steps());
                net.setListeners();
                if (listener != null) {
                    listener.writeReport(reportDir.resolve("width-" + w));
                }
                double lossEnd = Training.mse(net, train);
                double seconds = (System.nanoTime() - t0) / 1e9;
                if (k) {
                    double[] kT = ntk.compute(net, x0, grid).toDoubleVector();
                    curves.add(new KernelFigure.Curve(w, seed, k0, kT, Stats.relDiff(kT, k0), Double.NaN, lossStart,
                            lossEnd, seconds));
                }
                if (sw) {
                    double[] fT = net.output(held, false).toDoubleVector();
                    double ratio = Stats.norm(Stats.sub(fT, fLin)) / Stats.norm(Stats.sub(fT, f0));
                    runs.add(new Run(w, seed, net.output(grid, false).toDoubleVector(), f0, fT, fLin, ratio, lossEnd,
                            seconds));
                }
                if (progress != null) {
                    progress.printf(Locale.ROOT, "  trained width %d, seed %d: %d steps, MSE %.3g -> %.3g (%.1f s)%n",
                            w, seed, s.steps(), lossStart, lossEnd, seconds);
                }
            }
        }
        double[] limit = KernelFigure.limit(c);
        List<KernelFigure.Curve> withError = new ArrayList<>();
        for (KernelFigure.Curve cv : curves) {
            withError.add(new KernelFigure.Curve(cv.width(), cv.seed(), cv.init(), cv.trained(), cv.drift(),
                    Stats.relDiff(cv.init(), limit), cv.lossStart(), cv.lossEnd(), cv.seconds()));
        }
        return new Outcome(runs, new KernelFigure.Result(limit, withError));
    }

    private static double[] everyNth(double[] a, int n) {
        double[] out = new double[(a.length + n - 1) / n];
        for (int i = 0; i < out.length; i++) {
            out[i] = a[i * n];
        }
        return out;
    }
}
