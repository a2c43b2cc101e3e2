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
import org.ntk4j.core.analytic.KernelPair;
import org.ntk4j.dl4j.analytic.AnalyticKernel;
import org.ntk4j.dl4j.analytic.AnalyticKernels;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Analytic-kernel benchmark: NNGP and NTK, through {@code AnalyticKernels.of}, of N inputs of dimension 32 through a
 * DL4J configuration of 5 hidden dense layers of width 512 and a linear output layer, in DOUBLE. ReLU (RELU init) uses
 * the closed form; tanh (XAVIER init) uses Gauss–Hermite quadrature with ntk4j's Java tanh; GELU (DL4J's own op
 * evaluated in chunks, the path of activations without a Java twin) at min(N, 500). The input Gram product
 * {@code x xᵀ} ({@code N × N × 32}), the one matrix product the closed form cannot avoid, is timed alone for
 * comparison. Every kernel is warmed up on 64 inputs first; times are minima over repetitions (one repetition for the
 * quadrature cases).
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
        AnalyticKernel relu = AnalyticKernels.of(conf(d, Activation.RELU, WeightInit.RELU), degree);
        AnalyticKernel tanh = AnalyticKernels.of(conf(d, Activation.TANH, WeightInit.XAVIER), degree);
        AnalyticKernel gelu = AnalyticKernels.of(conf(d, Activation.GELU, WeightInit.XAVIER), degree);
        INDArray warm = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, Math.min(n, 64)),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        for (AnalyticKernel k : new AnalyticKernel[]{relu, tanh, gelu}) {
            k.compute(warm); // JIT warm-up
        }
        int nGelu = Math.min(n, 500);
        INDArray xGelu = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, nGelu),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        double tRelu = best(reps, () -> relu.compute(x));
        double tTanh = best(1, () -> tanh.compute(x));
        double tGelu = best(1, () -> gelu.compute(xGelu));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "N = %d, d = %d, 5 hidden layers of width 512 + linear readout, DOUBLE, "
                + "NNGP and NTK together, standard parameterization, %d cores%n%n", n, d,
                Runtime.getRuntime().availableProcessors()));
        sb.append("| case | N | seconds | vs input Gram at N |\n|---|---|---|---|\n");
        sb.append(row("input Gram product x·xᵀ alone", n, gram, gram));
        sb.append(row("ReLU, closed form", n, tRelu, gram));
        sb.append(row("tanh, Gauss-Hermite q=" + degree + " (Java tanh)", n, tTanh, gram));
        sb.append(row("GELU, Gauss-Hermite q=" + degree + " (DL4J's own GELU op, in chunks)", nGelu, tGelu, Double.NaN));
        return sb.toString();
    }

    private static String row(String what, int n, double s, double gram) {
        return String.format(Locale.ROOT, "| %s | %d | %.3f | %s |%n", what, n, s,
                Double.isNaN(gram) ? "–" : String.format(Locale.ROOT, "%.1f×", s / gram));
    }

    private static MultiLayerConfiguration conf(int d, Activation act, WeightInit init) {
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .weightInit(init).list();
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
