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
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.NtkImplementation;
import org.ntk4j.dl4j.OutputMode;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Empirical NTK engine benchmark: an MLP 32→512→512→o (ReLU, identity output) at N examples, TRACE mode.
 * Reports, per data type and o: STRUCTURED time, JACOBIAN time and their ratio, and STRUCTURED time against the matrix
 * products it cannot avoid (forward pass, one stacked backward pass, per-layer Gram products) timed on raw ND4J GEMMs
 * of the same shapes in the same run.
 */
public final class EngineBenchmark {
    private EngineBenchmark() {
    }

    /**
     * @param n    examples
     * @param reps timed repetitions of the fast computations (minimum reported)
     * @return markdown table of the results
     */
    public static String run(int n, int reps) {
        return run(n, reps, line -> { });
    }

    /**
     * @param n      examples
     * @param reps   timed repetitions of the fast computations (minimum reported)
     * @param onLine receives each table line as soon as it is measured
     * @return markdown table of the results
     */
    public static String run(int n, int reps, java.util.function.Consumer<String> onLine) {
        StringBuilder sb = new StringBuilder();
        sb.append("| type | o | STRUCTURED s | JACOBIAN s | JACOBIAN/STRUCTURED | unavoidable GEMM s | STRUCTURED/GEMM |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        onLine.accept(sb.toString().strip());
        for (DataType type : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            for (int o : new int[]{1, 10}) {
                MultiLayerNetwork net = mlp(type, o);
                INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(1).nextGaussian(new long[]{n, 32}).castTo(type);
                EmpiricalNtk structured = EmpiricalNtk.builder().implementation(NtkImplementation.STRUCTURED).build();
                EmpiricalNtk jacobian = EmpiricalNtk.builder().implementation(NtkImplementation.JACOBIAN)
                        .blockSize(64).build();
                double ts = minTime(reps, () -> structured.compute(net, x));
                double tj = minTime(1, () -> jacobian.compute(net, x));
                double tg = minTime(reps, () -> unavoidable(net, x, o));
                String line = String.format(Locale.ROOT, "| %s | %d | %.4f | %.3f | %.1f× | %.4f | %.2f× |",
                        type, o, ts, tj, tj / ts, tg, ts / tg);
                sb.append(line).append('\n');
                onLine.accept(line);
            }
        }
        return sb.toString();
    }

    static MultiLayerNetwork mlp(DataType type, int o) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(type)
                .updater(new Sgd(0.1)).weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(32).nOut(512).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(512).nOut(512).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(512).nOut(o)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    /** The matrix products of the structured TRACE computation, on ND4J directly. */
    private static INDArray unavoidable(MultiLayerNetwork net, INDArray x, int o) {
        long n = x.size(0);
        DataType t = x.dataType();
        INDArray w1 = net.getParam("0_W"), w2 = net.getParam("1_W"), w3 = net.getParam("2_W");
        INDArray h1 = x.mmul(w1), h2 = h1.mmul(w2), f = h2.mmul(w3);
        INDArray d3 = Nd4j.rand(t, n * o, o);
        INDArray d2 = d3.mmul(w3.transpose());
        INDArray d1 = d2.mmul(w2.transpose());
        INDArray k = x.mmul(x.transpose());
        k.addi(h1.mmul(h1.transpose())).addi(h2.mmul(h2.transpose()));
        k.addi(d1.reshape('c', n, o * 512).mmul(d1.reshape('c', n, o * 512).transpose()));
        k.addi(d2.reshape('c', n, o * 512).mmul(d2.reshape('c', n, o * 512).transpose()));
        k.addi(d3.reshape('c', n, (long) o * o).mmul(d3.reshape('c', n, (long) o * o).transpose()));
        return k.addi(f.sumNumber().doubleValue() * 0);
    }

    private static double minTime(int reps, Supplier<INDArray> task) {
        task.get(); // warm-up
        double best = Double.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            INDArray res = task.get();
            res.sumNumber();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }
}
