package org.ntk4j.examples.bench;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.analytic.DenseLayerSpec;
import org.ntk4j.core.analytic.FullyConnectedKernel;
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.core.analytic.Nonlinearities;
import org.ntk4j.core.analytic.Nonlinearity;
import org.ntk4j.dl4j.analytic.AnalyticKernel;
import org.ntk4j.dl4j.analytic.AnalyticKernels;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Analytic-kernel benchmark: NNGP and NTK of N inputs of dimension 32 through 5 hidden layers of width 512 and a
 * linear readout, in DOUBLE. ReLU uses the closed form; tanh uses Gauss–Hermite quadrature (degree 25), once with
 * ntk4j's Java tanh and once through {@code AnalyticKernels.of} (DL4J's own tanh op, evaluated in chunks). The input
 * Gram product {@code x xᵀ} ({@code N × N × 32}), the one matrix product the closed form cannot avoid, is timed alone
 * for comparison. Times are minima over repetitions (one repetition for the quadrature cases).
 */
public final class AnalyticBenchmark {
    private AnalyticBenchmark() {
    }

    /** @return the markdown table for N = 2000, degree 25 */
    public static String run() {
        return run(2000, 25, 3);
    }

    /**
     * @param n      number of inputs
     * @param degree Gauss–Hermite nodes per dimension for tanh
     * @param reps   repetitions of the fast measurements
     * @return a markdown table of the timings
     */
    public static String run(int n, int degree, int reps) {
        if (n < 1 || degree < 2 || reps < 1) {
            throw new IllegalArgumentException("n >= 1, degree >= 2, reps >= 1 required (got: " + n + ", " + degree
                    + ", " + reps + ")");
        }
        int d = 32;
        INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(42).nextGaussian(new long[]{n, d})
                .castTo(DataType.DOUBLE);
        double gram = best(reps, () -> x.mmul(x.transpose()));
        FullyConnectedKernel relu = stack(d, Nonlinearities.relu(), 2.0, degree);
        FullyConnectedKernel tanh = stack(d, Nonlinearities.tanh(), 1.0, degree);
        AnalyticKernel dl4jTanh = AnalyticKernels.of(conf(d, Activation.TANH), degree);
        double tRelu = best(reps, () -> relu.compute(x));
        double tTanh = best(1, () -> tanh.compute(x));
        double tDl4j = best(1, () -> dl4jTanh.compute(x));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "N = %d, d = %d, 5 hidden layers of width 512 + linear readout, DOUBLE, "
                + "NNGP and NTK together, standard parameterization%n%n", n, d));
        sb.append("| case | seconds | vs input Gram |\n|---|---|---|\n");
        sb.append(row("input Gram product x·xᵀ alone", gram, gram));
        sb.append(row("ReLU, closed form", tRelu, gram));
        sb.append(row("tanh, quadrature q=" + degree + " (ntk4j Java tanh)", tTanh, gram));
        sb.append(row("tanh, quadrature q=" + degree + " (AnalyticKernels.of, DL4J's tanh op)", tDl4j, gram));
        return sb.toString();
    }

    private static String row(String what, double s, double gram) {
        return String.format(Locale.ROOT, "| %s | %.3f | %.1f× |%n", what, s, s / gram);
    }

    private static FullyConnectedKernel stack(int d, Nonlinearity phi, double sw, int degree) {
        FullyConnectedKernel.Builder b = FullyConnectedKernel.builder(d).quadratureDegree(degree);
        for (int l = 0; l < 5; l++) {
            b.layer(DenseLayerSpec.builder(512).weightVariance(sw).activation(phi).build());
        }
        return b.layer(DenseLayerSpec.builder(1).weightVariance(sw).build()).build();
    }

    private static MultiLayerConfiguration conf(int d, Activation act) {
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .weightInit(WeightInit.NORMAL).list();
        int in = d;
        for (int l = 0; l < 5; l++) {
            lb.layer(new DenseLayer.Builder().nIn(in).nOut(512).activation(act).build());
            in = 512;
        }
        return lb.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(512).nOut(1)
                .activation(Activation.IDENTITY).build()).build();
    }

    private static double best(int reps, Supplier<?> task) {
        double best = Double.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            Object result = task.get();
            double s = (System.nanoTime() - t0) / 1e9;
            if (result instanceof KernelPair kp && kp.ntk().getDouble(0, 0) != kp.ntk().getDouble(0, 0)) {
                throw new IllegalStateException("NaN in the benchmark result");
            }
            best = Math.min(best, s);
        }
        return best;
    }
}
