package org.ntk4j.examples.bench;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.core.kernel.KernelLayout;
import org.ntk4j.core.linalg.CholeskyFactor;
import org.ntk4j.core.predict.GradientDescentMse;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.OutputMode;

import java.util.Locale;

/**
 * Linearized-network fit benchmark: the work {@code LinearizedNetwork.fit} does once the training kernel is computed
 * (validation, Cholesky factorization of Θ, solve for the converged coefficients {@code Θ⁻¹ (f0 − y)}) against
 * ND4J's own LAPACK Cholesky ({@code potrf}) of the same matrix in double precision (the fit factorizes a FLOAT
 * kernel in double too), in the same run; the FLOAT row also times a float32 factorization and solve
 * ({@code CholeskyFactor} of the FLOAT matrix: what a float solve costs, and loses; its residual beside the fit's).
 *
 * <p>The kernel is the real empirical NTK (FULL, one output) of an MLP 8→256→256→1 (ReLU) on N Gaussian inputs.
 * Minimum of {@code reps} interleaved timed repetitions (after one warm-up round), per data type.
 */
public final class LinearizedBenchmark {
    private LinearizedBenchmark() {
    }

    /**
     * @param n    training examples (the issue asks for 4000)
     * @param reps timed repetitions (minimum reported)
     * @return a markdown table: type, N, potrf seconds, ntk4j fit seconds, their ratio, relative residual
     */
    public static String run(int n, int reps) {
        if (n < 1 || reps < 1) {
            throw new IllegalArgumentException("n and reps must be >= 1 (got: " + n + ", " + reps + ")");
        }
        StringBuilder sb = new StringBuilder();
        sb.append("| type | N | kernel s | ND4J potrf (double) s | ntk4j fit s | fit/potrf | residual ‖Θα − r‖/‖r‖ "
                + "| float32 Cholesky + solve s | its residual |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (DataType type : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
            MultiLayerNetwork net = mlp(type);
            INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(3).nextGaussian(new long[] {n, 8}).castTo(type);
            INDArray y = Nd4j.getRandomFactory().getNewRandomInstance(4).nextGaussian(new long[] {n, 1}).castTo(type);
            long k0 = System.nanoTime();
            INDArray theta = KernelLayout.flatten(EmpiricalNtk.builder().outputMode(OutputMode.FULL).build()
                    .compute(net, x));
            double kernelSeconds = (System.nanoTime() - k0) / 1e9;
            INDArray f0 = net.output(x);
            double diagReg = 1e-6 * theta.getDouble(0, 0); // guards FLOAT against rounding-level indefiniteness
            INDArray reg = theta.dup();
            for (int i = 0; i < n; i++) {
                reg.putScalar(i, i, reg.getDouble(i, i) + diagReg);
            }
            INDArray[] alpha = new INDArray[1];
            INDArray reg64 = reg.castTo(DataType.DOUBLE);
            Runnable potrfRun = () -> {
                INDArray a = reg64.dup('f');
                Nd4j.getBlasWrapper().lapack().potrf(a, true);
            };
            Runnable fitRun = () -> {
                GradientDescentMse gd = GradientDescentMse.builder(theta, y).initialOutputs(f0).diagReg(diagReg)
                        .build();
                alpha[0] = gd.cholesky().solve(f0.sub(y).reshape('c', n, 1));
            };
            // interleaved, minimum of each: both see the same machine load
            double[] best = minTimes(reps, potrfRun, fitRun);
            double potrf = best[0];
            double fit = best[1];
            INDArray r = f0.sub(y).reshape('c', n, 1).castTo(DataType.DOUBLE);
            double residual = residual(reg64, alpha[0], r);
            String f32 = "— | —";
            if (type == DataType.FLOAT) {
                // what the fit did before it worked in double: CholeskyFactor keeps a FLOAT matrix's type
                INDArray[] a32 = new INDArray[1];
                double t32 = minTimes(reps, () -> a32[0] = CholeskyFactor.of(reg).solve(f0.sub(y).reshape('c', n, 1)),
                        () -> { })[0];
                f32 = String.format(Locale.ROOT, "%.3f | %.1e", t32, residual(reg64, a32[0], r));
            }
            sb.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.3f | %.3f | %.2f× | %.1e | %s |%n", type, n,
                    kernelSeconds, potrf, fit, fit / potrf, residual, f32));
        }
        return sb.toString();
    }

    static MultiLayerNetwork mlp(DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(11).dataType(type)
                .updater(new Sgd(0.1)).weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(8).nOut(256).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(256).nOut(256).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(256).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    private static double residual(INDArray a64, INDArray alpha, INDArray r) {
        return a64.mmul(alpha.castTo(DataType.DOUBLE)).subi(r).norm2Number().doubleValue() / r.norm2Number().doubleValue();
    }

    private static double[] minTimes(int reps, Runnable... runs) {
        double[] best = new double[runs.length];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int i = 0; i <= reps; i++) {
            for (int j = 0; j < runs.length; j++) {
                long t0 = System.nanoTime();
                runs[j].run();
                double s = (System.nanoTime() - t0) / 1e9;
                if (i > 0) { // the first round is the warm-up
                    best[j] = Math.min(best[j], s);
                }
            }
        }
        return best;
    }

    /**
     * Prints the table for N = 4000 (or the first argument).
     *
     * @param args optional: N, repetitions
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        System.out.println("## Linearized network fit: N=" + n + ", MLP 8-256-256-1 kernel");
        System.out.println(run(n, reps));
    }
}
