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
import org.ntk4j.core.analytic.Nonlinearity;
import org.ntk4j.dl4j.analytic.AnalyticKernel;
import org.ntk4j.dl4j.analytic.AnalyticKernels;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Analytic-kernel benchmark: NNGP and NTK, through {@code AnalyticKernels.of}, of N inputs of dimension 32 through a
 * DL4J configuration of 5 hidden dense layers of width 512 and a linear output layer, in DOUBLE. ReLU with RELU init
 * is the reference time; every supported DL4J activation (XAVIER init) is timed with its default rule (closed form
 * where one exists, else the error-controlled rule at tolerance 1e-6, with its achieved error estimate) and its error
 * measured on the first {@value #CHECK} inputs against an independent computation; tanh also with the expert fixed
 * Gauss–Hermite rule. The input Gram product {@code x xᵀ} ({@code N × N × 32}) is timed alone. Every kernel is
 * warmed up on 64 inputs first; times are minima over repetitions (one repetition for all but the ReLU reference).
 * {@link #cnn} adds the convolutional rows (global average pooling and flatten readouts).
 */
public final class AnalyticBenchmark {
    private AnalyticBenchmark() {
    }

    /** Every elementwise DL4J activation the analytic kernel supports, timed against the ReLU closed form. */
    static final Activation[] ACTIVATIONS = {Activation.IDENTITY, Activation.RELU, Activation.LEAKYRELU, Activation.TANH,
        Activation.SIGMOID, Activation.SOFTPLUS, Activation.SOFTSIGN, Activation.ELU, Activation.SELU, Activation.GELU,
        Activation.SWISH, Activation.MISH, Activation.HARDTANH, Activation.HARDSIGMOID, Activation.RELU6,
        Activation.THRESHOLDEDRELU, Activation.RRELU, Activation.RATIONALTANH, Activation.RECTIFIEDTANH,
        Activation.CUBE};

    /** Inputs of the measured-error check (first rows of the benchmark's inputs). */
    static final int CHECK = 48;

    /** @return the markdown table for N = 2000 (Gauss–Hermite comparison at degree 25), then the CNN rows */
    public static String run() {
        return run(2000, 25, 3);
    }

    /**
     * The dense table alone: {@code java -cp ntk-examples/target/ntk.jar org.ntk4j.examples.bench.AnalyticBenchmark
     * [N [reps [ACT,ACT,...]]]} (default N = 2000, 3 repetitions of the ReLU reference, every activation; a list of
     * DL4J activation names times only those, and skips the fixed Gauss–Hermite row).
     *
     * @param args optional N, repetitions and activations
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Activation[] only = args.length > 2 ? java.util.Arrays.stream(args[2].split(","))
                .map(s -> Activation.valueOf(s.trim().toUpperCase(Locale.ROOT))).toArray(Activation[]::new) : null;
        System.out.println(dense(n, 25, reps, only));
    }

    /**
     * @param n      number of inputs
     * @param degree Gauss–Hermite nodes per dimension of the fixed-rule comparison row
     * @param reps   repetitions of the ReLU closed-form reference time
     * @return a markdown table of the timings, dense rows then the CNN rows
     */
    public static String run(int n, int degree, int reps) {
        return dense(n, degree, reps) + '\n' + cnn(Math.min(n, 500));
    }

    /**
     * @param n      number of inputs
     * @param degree Gauss–Hermite nodes per dimension of the fixed-rule comparison row
     * @param reps   repetitions of the ReLU closed-form reference time
     * @return a markdown table of the dense timings: wall-clock and process CPU seconds, each against the ReLU
     *         closed form of the same run
     */
    public static String dense(int n, int degree, int reps) {
        return dense(n, degree, reps, null);
    }

    private static String dense(int n, int degree, int reps, Activation[] only) {
        if (n < 1 || degree < 2 || reps < 1) {
            throw new IllegalArgumentException("n >= 1, degree >= 2, reps >= 1 required (got: " + n + ", " + degree
                    + ", " + reps + ")");
        }
        int d = 32;
        INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(42).nextGaussian(new long[]{n, d})
                .castTo(DataType.DOUBLE);
        INDArray warm = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, Math.min(n, 64)),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        INDArray check = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, Math.min(n, CHECK)),
                org.nd4j.linalg.indexing.NDArrayIndex.all());
        double[] gram = timed(reps, () -> x.mmul(x.transpose()));
        AnalyticKernel relu = AnalyticKernels.of(conf(d, Activation.RELU, WeightInit.RELU));
        relu.compute(warm);
        double[] tRelu = timed(reps, () -> relu.compute(x));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "N = %d, d = %d, 5 hidden layers of width 512 + linear readout, DOUBLE, "
                + "NNGP and NTK together, standard parameterization, %d cores. Seconds: wall clock; CPU: process CPU "
                + "seconds (all threads). Measured error: largest difference "
                + "over the first %d inputs, relative to √(K(x,x)K(x',x')), NNGP and NTK, against an independent "
                + "computation (closed forms: the error-controlled numerical rule on the same function at tolerance "
                + "1e-9; numerical rule: itself at tolerance 1e-10, a self-convergence check)%n%n", n, d,
                Runtime.getRuntime().availableProcessors(), CHECK));
        sb.append("| activation | init | rule | seconds | vs ReLU closed form (RELU init) | CPU seconds | CPU vs ReLU | "
                + "error estimate | measured error |\n|---|---|---|---|---|---|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| input Gram product x·xᵀ alone | – | – | %.3f | %.2f× | %.3f | %.2f× | – "
                + "| – |%n", gram[0], gram[0] / tRelu[0], gram[1], gram[1] / tRelu[1]));
        sb.append(String.format(Locale.ROOT, "| RELU | RELU | closed form | %.3f | 1× | %.3f | 1× | – | %s |%n",
                tRelu[0], tRelu[1], measured(relu, check)));
        for (Activation a : only == null ? ACTIVATIONS : only) {
            AnalyticKernel k = AnalyticKernels.of(conf(d, a, WeightInit.XAVIER));
            boolean closed = k.layers().get(0).activation().closedForm().isPresent();
            String rule = closed ? "closed form" : "error-controlled";
            String time;
            String ratio;
            String cpu;
            String estimate;
            try {
                k.compute(warm);
                double[] est = new double[1];
                double[] t = timed(1, () -> {
                    KernelPair kp = k.compute(x);
                    est[0] = kp.errorEstimate();
                    return kp;
                });
                time = String.format(Locale.ROOT, "%.3f", t[0]);
                ratio = String.format(Locale.ROOT, "%.2f×", t[0] / tRelu[0]);
                cpu = String.format(Locale.ROOT, "%.3f | %.2f×", t[1], t[1] / tRelu[1]);
                estimate = closed ? "–" : String.format(Locale.ROOT, "%.1e", est[0]);
            } catch (RuntimeException e) {
                time = "refused: " + e.getClass().getSimpleName();
                ratio = "–";
                cpu = "– | –";
                estimate = e.getMessage() == null ? "–" : e.getMessage().replace('|', '/');
            }
            sb.append(String.format(Locale.ROOT, "| %s | XAVIER | %s | %s | %s | %s | %s | %s |%n", a.name(), rule,
                    time, ratio, cpu, estimate, measured(k, check)));
        }
        if (only != null) {
            return sb.toString();
        }
        AnalyticKernel gh = AnalyticKernels.of(conf(d, Activation.TANH, WeightInit.XAVIER), degree);
        gh.compute(warm);
        double[] tGh = timed(1, () -> gh.compute(x));
        sb.append(String.format(Locale.ROOT, "| TANH | XAVIER | fixed Gauss-Hermite q=%d (expert, no error control) | "
                + "%.3f | %.2f× | %.3f | %.2f× | – | %s |%n", degree, tGh[0], tGh[0] / tRelu[0], tGh[1],
                tGh[1] / tRelu[1], measured(gh, check)));
        return sb.toString();
    }

    /**
     * The largest difference between {@code k} and an independent computation on {@code x}, relative to the
     * reference's diagonal scale, over NNGP and NTK.
     */
    static String measured(AnalyticKernel k, INDArray x) {
        try {
            FullyConnectedKernel fc = k.kernel();
            boolean closed = false;
            FullyConnectedKernel.Builder b = FullyConnectedKernel.builder(fc.inputDim())
                    .parameterization(fc.parameterization());
            for (DenseLayerSpec s : fc.layers()) {
                Nonlinearity phi = s.activation();
                Nonlinearity ref = phi;
                if (phi.closedForm().isPresent() && !phi.isIdentity()) {
                    closed = true;
                    ref = Nonlinearity.of(phi.name() + " (numerical)", phi::value, phi::derivative,
                            phi.breakpoints(), phi.smoothnessScale());
                }
                b.layer(DenseLayerSpec.builder(s.width()).weightVariance(s.weightVariance()).biasMean(s.biasMean())
                        .biasVariance(s.biasVariance()).bias(s.bias()).activation(ref).build());
            }
            // the reference reports its own estimate; where it cannot reach its tolerance (kinks at large
            // variances) the difference is printed with that estimate instead of being dropped
            double tol = closed ? 1e-9 : 1e-10;
            FullyConnectedKernel refKernel = b.tolerance(tol).warnOnly(true).build();
            KernelPair got = k.compute(x);
            KernelPair want = refKernel.compute(x);
            double worst = Math.max(scaledDifference(got.nngp(), want.nngp()), scaledDifference(got.ntk(),
                    want.ntk()));
            return want.errorEstimate() <= tol ? String.format(Locale.ROOT, "%.1e", worst)
                    : String.format(Locale.ROOT, "%.1e (reference estimate %.1e)", worst, want.errorEstimate());
        } catch (RuntimeException e) {
            return "reference failed: " + e.getClass().getSimpleName();
        }
    }

    private static double scaledDifference(INDArray got, INDArray want) {
        int n = (int) want.size(0);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double scale = Math.sqrt(Math.abs(want.getDouble(i, i) * want.getDouble(j, j)));
                double diff = Math.abs(got.getDouble(i, j) - want.getDouble(i, j));
                // a network whose outputs collapse to 0 (cube, thresholded ReLU at small variances): 0/0 is no error
                worst = Math.max(worst, diff == 0 ? 0.0 : diff / scale);
            }
        }
        return worst;
    }

    /**
     * The convolutional rows: 8 × 8 × 1 images, 3 SAME 3 × 3 convolutions of 64 channels, then global average pooling
     * (every pixel pair carried) or the flattening preprocessor (equal pixels only), a linear output; ReLU (RELU init,
     * closed form) on N images, tanh (XAVIER init, the error-controlled rule) on N images for the flatten readout and
     * N/5 for global average pooling (its cost per entry does not depend on N).
     *
     * @param n number of images
     * @return a markdown table: seconds and microseconds per distinct kernel entry (upper triangle, NNGP and NTK
     *         together), and the error estimate
     */
    public static String cnn(int n) {
        INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(43).nextGaussian(new long[]{n, 1, 8, 8})
                .castTo(DataType.DOUBLE);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "CNN: images 8x8x1, 3 SAME 3x3 "
                + "convolutions (64 channels), linear readout, DOUBLE, NNGP and NTK together, %d cores%n%n",
                Runtime.getRuntime().availableProcessors()));
        sb.append("| activation | readout | representation | N | seconds | µs per kernel entry | error estimate |\n"
                + "|---|---|---|---|---|---|---|\n");
        int small = Math.max(2, n / 5);
        Object[][] rows = {
            {Activation.RELU, WeightInit.RELU, true, n, 1}, {Activation.RELU, WeightInit.RELU, false, n, 3},
            {Activation.TANH, WeightInit.XAVIER, true, small, 1}, {Activation.TANH, WeightInit.XAVIER, false, n, 1}};
        for (Object[] r : rows) {
            boolean gap = (Boolean) r[2];
            int m = (Integer) r[3];
            INDArray xs = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, m),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            AnalyticKernel k = AnalyticKernels.of(cnnConf(gap, (Activation) r[0], (WeightInit) r[1]));
            k.compute(xs.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, Math.min(m, 16)),
                    org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()));
            double[] est = new double[1];
            double t = best((Integer) r[4], () -> {
                KernelPair kp = k.compute(xs);
                est[0] = kp.errorEstimate();
                return kp;
            });
            double entries = m * (m + 1) / 2.0;
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.3f | %.1f | %.1e |%n", r[0],
                    gap ? "global average pooling" : "flatten",
                    gap ? "every pixel pair (64² per example pair)" : "equal pixels only (64 per example pair)", m, t,
                    1e6 * t / entries, est[0]));
        }
        return sb.toString();
    }

    private static MultiLayerConfiguration cnnConf(boolean globalAverage, Activation act, WeightInit init) {
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .weightInit(init).convolutionMode(org.deeplearning4j.nn.conf.ConvolutionMode.Same).list();
        for (int l = 0; l < 3; l++) {
            lb.layer(new org.deeplearning4j.nn.conf.layers.ConvolutionLayer.Builder(3, 3).nOut(64)
                    .activation(act).build());
        }
        if (globalAverage) {
            lb.layer(new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer.Builder(
                    org.deeplearning4j.nn.conf.layers.PoolingType.AVG).build());
        }
        return lb.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(1).activation(Activation.IDENTITY)
                        .build())
                .setInputType(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(8, 8, 1)).build();
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
        return timed(reps, task)[0];
    }

    /** @return the smallest wall-clock seconds and the smallest process CPU seconds (all threads) over the reps */
    private static double[] timed(int reps, Supplier<?> task) {
        double best = Double.MAX_VALUE;
        double bestCpu = Double.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long c0 = processCpuNanos();
            long t0 = System.nanoTime();
            Object result = task.get();
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = (processCpuNanos() - c0) / 1e9;
            if (result instanceof KernelPair kp && kp.ntk().getDouble(0, 0) != kp.ntk().getDouble(0, 0)) {
                throw new IllegalStateException("NaN in the benchmark result");
            }
            best = Math.min(best, s);
            bestCpu = Math.min(bestCpu, cpu);
        }
        return new double[]{best, bestCpu};
    }

    /** CPU time of this JVM (every thread, JIT and GC included), or −1 where the platform does not report it. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1L;
    }
}
