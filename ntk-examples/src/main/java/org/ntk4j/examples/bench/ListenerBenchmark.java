package org.ntk4j.examples.bench;

import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.ntk4j.dl4j.listener.NtkListener;
import org.ntk4j.dl4j.listener.NtkSnapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How much an {@link NtkListener} adds to a DL4J training run: an MLP {@code 784 → 256 → 256 → 10} (ReLU, softmax,
 * cross-entropy, FLOAT, Sgd; or one identity output with MSE) trained on synthetic data with minibatches of 128, with
 * and without a listener that takes
 * a 128-example TRACE snapshot every 100 iterations. Runs with and without the listener alternate on fresh networks
 * of the same seed (same data, same work); the overhead is the median over these pairs of {@code with/without − 1}.
 * A second, less noise-sensitive estimate divides the snapshot time the listener measured itself by the training time
 * without the listener.
 *
 * <pre>{@code
 * ListenerBenchmark.Result r = ListenerBenchmark.run(ListenerBenchmark.Config.defaults());
 * System.out.println(r.summary());
 * }</pre>
 */
public final class ListenerBenchmark {
    private ListenerBenchmark() {
    }

    /**
     * @param iterations  training iterations per timed run (≥ 1)
     * @param repeats     timed runs with and without the listener (≥ 1 each)
     * @param warmup      untimed iterations before the first timed run
     * @param batchSize   training minibatch size
     * @param probe       probe examples of the listener
     * @param every       snapshot period in iterations
     * @param hidden      width of the two hidden layers
     * @param outputs     network outputs: softmax classes (≥ 2, cross-entropy) or 1 (identity output, MSE)
     * @param reportDir   if not null, the listener's PNG report of the last run is written there
     */
    public record Config(int iterations, int repeats, int warmup, int batchSize, int probe, int every, int hidden,
                         int outputs, Path reportDir) {
        /**
         * Validates.
         *
         * @param iterations  training iterations per timed run (≥ 1)
         * @param repeats     timed runs with and without the listener (≥ 1 each)
         * @param warmup      untimed iterations before the first timed run
         * @param batchSize   training minibatch size
         * @param probe       probe examples of the listener
         * @param every       snapshot period in iterations
         * @param hidden      width of the two hidden layers
         * @param outputs     network outputs: softmax classes (≥ 2, cross-entropy) or 1 (identity output, MSE)
         * @param reportDir   if not null, the listener's PNG report of the last run is written there
         */
        public Config {
            if (iterations < 1 || repeats < 1 || warmup < 0 || batchSize < 1 || probe < 1 || every < 1 || hidden < 1
                    || outputs < 1) {
                throw new IllegalArgumentException("invalid listener benchmark configuration (got: iterations " + iterations
                        + ", repeats " + repeats + ", warmup " + warmup + ", batchSize " + batchSize + ", probe " + probe
                        + ", every " + every + ", hidden " + hidden + ", outputs " + outputs + ")");
            }
        }

        /**
         * @return 1000 iterations, 5 repeats, 200 warm-up iterations, batch 128, probe 128, every 100, width 256,
         * 10 classes
         */
        public static Config defaults() {
            return new Config(1000, 5, 200, 128, 128, 100, 256, 10, null);
        }

        /**
         * @param o network outputs
         * @return this configuration with {@code o} outputs
         */
        public Config withOutputs(int o) {
            return new Config(iterations, repeats, warmup, batchSize, probe, every, hidden, o, reportDir);
        }

        /**
         * @param dir where to write the listener's report (null for none)
         * @return this configuration with that report directory
         */
        public Config withReport(Path dir) {
            return new Config(iterations, repeats, warmup, batchSize, probe, every, hidden, outputs, dir);
        }

        /** @return a short run for a smoke test: 200 iterations, 1 repeat, probe 32, every 50 */
        public static Config quick() {
            return new Config(200, 1, 20, 64, 32, 50, 64, 10, null);
        }
    }

    /**
     * @param config          what was run
     * @param secondsWithout  wall-clock seconds of each run without the listener
     * @param secondsWith     wall-clock seconds of each run with the listener
     * @param snapshots       snapshots per run with the listener (including Θ0)
     * @param medianSnapshotSeconds median cost of one snapshot as the listener measured it
     * @param finalDrift      kernel drift at the end of the last run
     */
    public record Result(Config config, double[] secondsWithout, double[] secondsWith, int snapshots,
                         double medianSnapshotSeconds, double finalDrift) {
        /** @return the median over paired runs of {@code with/without − 1}, e.g. 0.05 for 5 % */
        public double overhead() {
            double[] r = new double[secondsWith.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = secondsWith[i] / secondsWithout[i] - 1;
            }
            return median(r);
        }

        /** @return snapshots × median snapshot cost / median training time without the listener */
        public double snapshotShare() {
            return snapshots * medianSnapshotSeconds / median(secondsWithout);
        }

        /** @return median seconds of one training iteration without the listener */
        public double secondsPerIteration() {
            return median(secondsWithout) / config.iterations();
        }

        /** @return a few lines for a terminal */
        public String summary() {
            return String.format(Locale.ROOT, "NtkListener overhead: %.1f %% (median of paired runs; target < 2 %%);"
                            + " snapshot time / training time: %.1f %%%n"
                            + "  MLP 784-%d-%d-%d, batch %d, %d iterations; probe %d examples every %d iterations (%d snapshots)%n"
                            + "  training without listener: median %.2f s (%.1f ms/iteration), runs %s%n"
                            + "  training with listener:    median %.2f s, runs %s%n"
                            + "  one snapshot: median %.1f ms (= %.1f training iterations); final drift %.4g",
                    100 * overhead(), 100 * snapshotShare(), config.hidden(), config.hidden(), config.outputs(),
                    config.batchSize(), config.iterations(),
                    config.probe(), config.every(), snapshots, median(secondsWithout),
                    1000 * secondsPerIteration(), fmt(secondsWithout), median(secondsWith), fmt(secondsWith),
                    1000 * medianSnapshotSeconds, medianSnapshotSeconds / secondsPerIteration(), finalDrift);
        }

        private static String fmt(double[] s) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < s.length; i++) {
                b.append(i > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.2f", s[i]));
            }
            return b.append(']').toString();
        }
    }

    /**
     * Runs the benchmark. Takes about {@code 2·repeats·iterations} training iterations of the MLP.
     *
     * @param c the configuration
     * @return the measurements
     */
    public static Result run(Config c) {
        List<DataSet> batches = data(c, 20);
        DataSet probe = DataSet.merge(batches.subList(0, Math.max(1, (c.probe() + c.batchSize() - 1) / c.batchSize())));
        INDArray px = probe.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, c.probe())).dup();
        INDArray py = probe.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, c.probe())).dup();

        // warm-up: JIT, workspaces, BLAS threads
        if (c.warmup() > 0) {
            MultiLayerNetwork w = mlp(c);
            train(w, batches, c.warmup());
            NtkListener wl = NtkListener.builder(px).probeLabels(py).everyNIterations(Math.max(1, c.warmup() / 2)).build();
            MultiLayerNetwork w2 = mlp(c);
            w2.addListeners(wl);
            train(w2, batches, c.warmup());
        }
        double[] without = new double[c.repeats()], with = new double[c.repeats()];
        List<Double> snapshotSeconds = new ArrayList<>();
        int snapshots = 0;
        double drift = Double.NaN;
        NtkListener last = null;
        for (int r = 0; r < c.repeats(); r++) {
            // alternate the order within a pair, so that slow drifts of the machine's load cancel
            for (int half = 0; half < 2; half++) {
                boolean withListener = (half == 0) == (r % 2 == 1);
                MultiLayerNetwork net = mlp(c);
                NtkListener l = null;
                if (withListener) {
                    l = NtkListener.builder(px).probeLabels(py).everyNIterations(c.every()).build();
                    net.addListeners(l);
                }
                long t0 = System.nanoTime();
                train(net, batches, c.iterations());
                double sec = (System.nanoTime() - t0) / 1e9;
                if (withListener) {
                    with[r] = sec;
                    List<NtkSnapshot> h = l.history();
                    snapshots = h.size();
                    drift = h.get(h.size() - 1).drift();
                    h.forEach(s -> snapshotSeconds.add(s.seconds()));
                    last = l;
                } else {
                    without[r] = sec;
                }
            }
        }
        if (c.reportDir() != null && last != null) {
            last.writeReport(c.reportDir());
        }
        double[] ss = snapshotSeconds.stream().mapToDouble(Double::doubleValue).toArray();
        return new Result(c, without, with, snapshots, median(ss), drift);
    }

    private static void train(MultiLayerNetwork net, List<DataSet> batches, int iterations) {
        int perEpoch = batches.size();
        int full = iterations / perEpoch, rest = iterations % perEpoch;
        for (int e = 0; e < full; e++) {
            net.fit(new ListDataSetIterator<>(batches, 1));
        }
        if (rest > 0) {
            net.fit(new ListDataSetIterator<>(batches.subList(0, rest), 1));
        }
    }

    /**
     * {@code nBatches} minibatches: Gaussian features, labels of a random linear teacher (one-hot of the argmax; for one
     * output, tanh of the teacher's first score).
     */
    private static List<DataSet> data(Config c, int nBatches) {
        org.nd4j.linalg.api.rng.Random rng = Nd4j.getRandomFactory().getNewRandomInstance(2024);
        int o = c.outputs();
        INDArray teacher = rng.nextGaussian(new long[]{784, Math.max(o, 2)}).castTo(DataType.FLOAT).divi(28);
        List<DataSet> out = new ArrayList<>();
        for (int b = 0; b < nBatches; b++) {
            INDArray x = rng.nextGaussian(new long[]{c.batchSize(), 784}).castTo(DataType.FLOAT);
            INDArray scores = x.mmul(teacher);
            INDArray y;
            if (o == 1) {
                y = org.nd4j.linalg.ops.transforms.Transforms.tanh(scores.getColumn(0, true), true);
            } else {
                y = Nd4j.zeros(DataType.FLOAT, c.batchSize(), o);
                INDArray arg = scores.argMax(1);
                for (int i = 0; i < c.batchSize(); i++) {
                    y.putScalar(i, arg.getInt(i), 1f);
                }
            }
            out.add(new DataSet(x, y));
        }
        return out;
    }

    private static MultiLayerNetwork mlp(Config c) {
        MultiLayerNetwork n = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT)
                .updater(new Sgd(0.01)).weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(c.hidden()).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(c.hidden()).nOut(c.hidden()).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(c.outputs() == 1 ? LossFunctions.LossFunction.MSE
                        : LossFunctions.LossFunction.MCXENT).nIn(c.hidden()).nOut(c.outputs())
                        .activation(c.outputs() == 1 ? Activation.IDENTITY : Activation.SOFTMAX).build())
                .build());
        n.init();
        return n;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /**
     * Command line: {@code ListenerBenchmark [--quick] [--outputs O] [--report DIR]}.
     *
     * @param args arguments
     */
    public static void main(String[] args) {
        Config c = Config.defaults();
        Path report = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> c = Config.quick();
                case "--outputs" -> {
                    if (i + 1 >= args.length) {
                        System.err.println("--outputs needs a number");
                        System.exit(2);
                    }
                    c = c.withOutputs(Integer.parseInt(args[++i]));
                }
                case "--report" -> {
                    if (i + 1 >= args.length) {
                        System.err.println("--report needs a directory");
                        System.exit(2);
                    }
                    report = Path.of(args[++i]);
                }
                default -> {
                    System.err.println("unknown argument " + args[i] + "; usage: ListenerBenchmark [--quick] [--outputs O] [--report DIR]");
                    System.exit(2);
                }
            }
        }
        if (report != null) {
            c = c.withReport(report);
        }
        System.out.println(run(c).summary());
    }
}
