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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Empirical NTK engine benchmark: the symmetric kernel of an MLP 32→512→512→o (ReLU, identity output) at N examples.
 * Per data type and case (o = 1 TRACE, o = 10 TRACE, o = 10 FULL) it reports, measured in this run: ntk4j's STRUCTURED
 * time, as {@code compute} (a new kernel array per call) and as {@code computeInto} (the kernel written into one
 * array reused across calls); the PyTorch peer's time on the same shapes (explicit backward pass + Gram products, see
 * {@code /peer/torch_structured_ntk.py}) when a Python with torch is found, and the relative difference of the two
 * kernels on the same weights; the time of the matrix products the structured method cannot avoid, as preallocated
 * ND4J {@code gemm} calls and, for the symmetric Gram matrices, OpenBLAS {@code syrk} calls (this machine's real BLAS
 * rate); numpy's {@code dot} of the same operands as a sanity check; the time of allocating one fresh result array of
 * the kernel's shape (fresh native memory is touched page by page, and on this VM the first touch of a page costs
 * about 15 µs, so this is a floor for any call that returns a new kernel); and, for o = 1, the JACOBIAN method.
 */
public final class EngineBenchmark {
    private static final int D = 32;
    private static final int[] WIDTHS = {512, 512};

    private EngineBenchmark() {
    }

    /** One benchmark case. */
    private record Case(DataType type, int outputs, OutputMode mode) {
    }

    /**
     * @param n      examples
     * @param reps   timed repetitions after a warm-up (median and minimum reported)
     * @param peer   whether to run the PyTorch peer (when torch is importable)
     * @param onLine receives each table line as soon as it is measured
     * @return markdown table of the results
     */
    public static String run(int n, int reps, boolean peer, Consumer<String> onLine) {
        Optional<PythonPeer> torch = peer ? PythonPeer.find("torch", "numpy") : Optional.empty();
        Optional<PythonPeer> numpy = PythonPeer.find("numpy");
        StringBuilder sb = new StringBuilder();
        if (peer && torch.isEmpty()) {
            line(sb, onLine, "(PyTorch peer not run: no python3 on this machine imports torch;"
                    + " apt-get install python3-torch libopenblas0-pthread)");
        }
        line(sb, onLine, "| type | o | mode | ntk4j s (median / min) | ntk4j into reused s (median / min)"
                + " | torch s (median / min) | ntk4j/torch | into/torch | kernel diff vs torch"
                + " | GEMM s (ND4J, preallocated) | GFLOP/s | ntk4j/GEMM | into/GEMM | numpy GEMM s"
                + " | result allocation s | JACOBIAN s |");
        line(sb, onLine, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        List<Case> cases = new ArrayList<>();
        for (DataType t : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            cases.add(new Case(t, 1, OutputMode.TRACE));
            cases.add(new Case(t, 10, OutputMode.TRACE));
            cases.add(new Case(t, 10, OutputMode.FULL));
        }
        for (Case c : cases) {
            MultiLayerNetwork net = mlp(c.type(), c.outputs());
            INDArray x = Nd4j.getRandomFactory().getNewRandomInstance(1).nextGaussian(new long[]{n, D}).castTo(c.type());
            EmpiricalNtk ntk = EmpiricalNtk.builder().implementation(NtkImplementation.STRUCTURED)
                    .outputMode(c.mode()).build();
            INDArray reused = ntk.compute(net, x);
            List<Supplier<INDArray>> ours = List.of(() -> ntk.compute(net, x),
                    () -> ntk.computeInto(net, x, null, reused));
            double[] ts, ti;
            String torchCol = "–", ratio = "–", ratioInto = "–", diff = "–";
            if (torch.isPresent()) {
                double[][] all = alternating(torch.get(), c, n, reps, ours);
                ts = all[0];
                ti = all[1];
                double[] tt = all[2];
                torchCol = String.format(Locale.ROOT, "%.4f / %.4f", tt[0], tt[1]);
                ratio = String.format(Locale.ROOT, "%.2f×", ts[0] / tt[0]);
                ratioInto = String.format(Locale.ROOT, "%.2f×", ti[0] / tt[0]);
                diff = String.format(Locale.ROOT, "%.1e", TorchAgreement.relativeDifference(torch.get(), net, c.mode()));
            } else {
                ts = times(reps, ours.get(0));
                ti = times(reps, ours.get(1));
            }
            List<long[]> products = products(n, c.outputs(), c.mode() == OutputMode.TRACE);
            double tg = GemmBaseline.seconds(c.type(), products, reps);
            double gflop = GemmBaseline.gflop(products);
            String np = numpy.map(p -> String.format(Locale.ROOT, "%.4f", numpyTime(p, c.type(), products, reps)))
                    .orElse("–");
            long[] shape = c.mode() == OutputMode.TRACE ? new long[]{n, n} : new long[]{n, n, c.outputs(), c.outputs()};
            double alloc = times(reps, () -> Nd4j.create(c.type(), shape))[1];
            String jac = "–";
            if (c.outputs() == 1) {
                EmpiricalNtk jacobian = EmpiricalNtk.builder().implementation(NtkImplementation.JACOBIAN).blockSize(64).build();
                jac = String.format(Locale.ROOT, "%.3f", times(1, () -> jacobian.compute(net, x))[0]);
            }
            line(sb, onLine, String.format(Locale.ROOT, "| %s | %d | %s | %.4f / %.4f | %.4f / %.4f | %s | %s | %s | %s"
                            + " | %.4f | %.0f | %.2f× | %.2f× | %s | %.4f | %s |",
                    c.type(), c.outputs(), c.mode(), ts[0], ts[1], ti[0], ti[1], torchCol, ratio, ratioInto, diff, tg,
                    gflop / tg, ts[0] / tg, ti[0] / tg, np, alloc, jac));
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, Consumer<String> onLine, String line) {
        sb.append(line).append('\n');
        onLine.accept(line);
    }

    /**
     * The matrix products of the structured computation of the symmetric kernel, as {@code {m, k, n, symmetric}} for
     * {@code [m, k] × [k, n]}: forward pass, stacked backward pass, per layer the input Gram {@code A Aᵀ} and the
     * gradient Gram {@code Δ Δᵀ} ({@code [n, o·w]} rows for TRACE, {@code [n·o, w]} rows for FULL). The Gram
     * matrices are symmetric ({@code symmetric = 1}: a {@code syrk}, half the multiply–adds of a {@code gemm}).
     */
    static List<long[]> products(long n, int o, boolean trace) {
        List<long[]> p = new ArrayList<>();
        long[] sizes = {D, WIDTHS[0], WIDTHS[1], o};
        for (int l = 0; l + 1 < sizes.length; l++) {
            p.add(new long[]{n, sizes[l], sizes[l + 1], 0});                     // forward
        }
        for (int l = sizes.length - 1; l >= 2; l--) {
            p.add(new long[]{n * o, sizes[l], sizes[l - 1], 0});                 // backward Δ_l W_lᵀ
        }
        for (int l = 0; l + 1 < sizes.length; l++) {
            p.add(new long[]{n, sizes[l], n, 1});                                // input Gram of layer l+1
            p.add(trace ? new long[]{n, o * sizes[l + 1], n, 1} : new long[]{n * o, sizes[l + 1], n * o, 1});
        }
        return p;
    }

    private static double numpyTime(PythonPeer p, DataType type, List<long[]> products, int reps) {
        List<String> args = new ArrayList<>(List.of("--dtype", type == DataType.FLOAT ? "float32" : "float64",
                "--reps", String.valueOf(reps)));
        for (long[] s : products) {
            args.add(s[0] + "," + s[1] + "," + s[2] + (s[3] == 1 ? ",s" : ""));
        }
        return PythonPeer.number(p.run("numpy_gemm.py", args), "min_s");
    }

    /**
     * ntk4j's tasks and the torch peer timed in alternating blocks (each ntk4j task, then torch, three times; each
     * block a third of the repetitions but at least one second of calls, a one-second pause before each) after all warmed up, so that all sample the
     * same stretch of machine state — on a shared machine the load changes within seconds. Not call by call: each
     * side's BLAS threads keep spinning for a while after a call and would slow the other side's next call.
     *
     * @return per ntk4j task {median, min}, then torch's {median, min}, in seconds
     */
    private static double[][] alternating(PythonPeer p, Case c, int n, int reps, List<Supplier<INDArray>> tasks) {
        try (PythonPeer.Server torch = p.serve("torch_structured_ntk.py", List.of("--n", String.valueOf(n),
                "--d", String.valueOf(D), "--widths", WIDTHS[0] + "," + WIDTHS[1], "--o", String.valueOf(c.outputs()),
                "--dtype", c.type() == DataType.FLOAT ? "float32" : "float64",
                "--mode", c.mode() == OutputMode.TRACE ? "trace" : "full", "--threads", String.valueOf(threads())))) {
            tasks.forEach(EngineBenchmark::warmUp);
            int rounds = 3, block = Math.max(1, (reps + rounds - 1) / rounds), k = tasks.size();
            List<List<Double>> t = new ArrayList<>();
            for (int i = 0; i <= k; i++) {
                t.add(new ArrayList<>());
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < k; i++) {
                    Supplier<INDArray> task = tasks.get(i);
                    pause();
                    block(block, t.get(i), () -> {
                        long t0 = System.nanoTime();
                        consume(task.get());
                        return (System.nanoTime() - t0) / 1e9;
                    });
                }
                pause();
                block(block, t.get(k), torch::once);
            }
            double[][] result = new double[k + 1][];
            for (int i = 0; i <= k; i++) {
                result[i] = medianMin(t.get(i).stream().mapToDouble(Double::doubleValue).toArray());
            }
            return result;
        }
    }

    /**
     * One timed block: at least {@code calls} calls and at least one second of them, so that a block of a small case
     * measures the steady state after the pause before it rather than mostly the calls that wake the idle threads.
     */
    private static void block(int calls, List<Double> into, java.util.function.DoubleSupplier once) {
        long start = System.nanoTime();
        for (int b = 0; b < calls || System.nanoTime() - start < 1_000_000_000L; b++) {
            into.add(once.getAsDouble());
        }
    }

    /**
     * @return the peer's thread count: ND4J's ({@code OMP_NUM_THREADS} when set, else every core), so that both sides
     * use the same number of threads
     */
    static int threads() {
        String env = System.getenv("OMP_NUM_THREADS");
        try {
            return env == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, Integer.parseInt(env.trim()));
        } catch (NumberFormatException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static MultiLayerNetwork mlp(DataType type, int o) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).dataType(type)
                .updater(new Sgd(0.1)).weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(D).nOut(WIDTHS[0]).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(WIDTHS[0]).nOut(WIDTHS[1]).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(WIDTHS[1]).nOut(o)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    /**
     * @return {median, min} seconds over {@code reps} runs after a warm-up of at least three calls and three seconds (so
     * that the JIT has compiled the Java passes before anything is timed; the peer warms up likewise)
     */
    static double[] times(int reps, Supplier<INDArray> task) {
        warmUp(task);
        double[] t = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            consume(task.get());
            t[r] = (System.nanoTime() - t0) / 1e9;
        }
        return medianMin(t);
    }

    /**
     * Reads every entry of the result once (a plain Java sum over its buffer), as the peer does with
     * {@code float(k.sum())}. Not ND4J's {@code sumNumber()}: on this VM that one reduction costs about 6 ms after
     * the call (measured), more than the whole FLOAT o = 1 kernel, and would be timed as the engine's.
     */
    static double consume(INDArray k) {
        double s = 0;
        if (k.dataType() == DataType.FLOAT) {
            java.nio.FloatBuffer b = k.data().asNioFloat();
            for (int i = 0, n = b.limit(); i < n; i++) {
                s += b.get(i);
            }
        } else {
            java.nio.DoubleBuffer b = k.data().asNioDouble();
            for (int i = 0, n = b.limit(); i < n; i++) {
                s += b.get(i);
            }
        }
        if (Double.isNaN(s)) {
            throw new IllegalStateException("the benchmarked kernel has NaN entries");
        }
        return s;
    }

    private static void warmUp(Supplier<INDArray> task) {
        long warm = System.nanoTime();
        for (int w = 0; w < 3 || System.nanoTime() - warm < 3_000_000_000L; w++) {
            consume(task.get());
        }
    }

    private static double[] medianMin(double[] times) {
        double[] t = times.clone();
        int reps = t.length;
        Arrays.sort(t);
        double median = reps % 2 == 1 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
        return new double[]{median, t[0]};
    }
}
