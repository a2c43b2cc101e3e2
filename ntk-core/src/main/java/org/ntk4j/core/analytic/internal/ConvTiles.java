package org.ntk4j.core.analytic.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.ntk4j.core.kernel.MemoryBudget;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Runs a {@link ConvRecursion} over all example pairs: each example's own run first (in parallel; it records the
 * poolings' error magnifications, from which the per-entry goal is lowered where needed), then tiles of
 * {@code tileSize} rows, rows in parallel on the common fork-join pool with one {@link ConvRecursion.Work} per thread,
 * only the upper triangle when {@code x2} is {@code null} (mirrored, so the result is exactly symmetric). The same
 * per-pair computation whatever the tiling or threading, so results agree bit for bit.
 */
public final class ConvTiles {
    private ConvTiles() {
    }

    /**
     * @param plan         the recursion
     * @param x1           images {@code [n1, C, H, W]} (or channels-last), validated
     * @param x2           images of the same size, or {@code null} for {@code x1}
     * @param channelsLast whether images are {@code [n, H, W, C]}
     * @param tileSize     rows per tile
     * @param parallel     whether rows run on the common fork-join pool
     * @param budget       checked ({@link #bytesNeeded}) before anything is allocated
     * @param layerError   receives, per activation, the largest estimated relative error (error-controlled rule)
     * @param poolGain     receives, per pooling step, the largest error magnification of any example (≥ 1)
     * @return {NNGP, NTK}, {@code [n1, n2]} in the data type of {@code x1}
     */
    public static INDArray[] run(ConvRecursion plan, INDArray x1, INDArray x2, boolean channelsLast, int tileSize,
                                 boolean parallel, MemoryBudget budget, double[] layerError, double[] poolGain) {
        boolean symmetric = x2 == null;
        DataType type = x1.dataType();
        int n1 = (int) x1.size(0);
        int n2 = symmetric ? n1 : (int) x2.size(0);
        int t = Math.min(tileSize, n1);
        int threads = parallel ? Math.max(1, Runtime.getRuntime().availableProcessors()) : 1;
        budget.check("convolutional analytic kernels", bytesNeeded(plan, type, n1, n2, symmetric, t, threads),
                "compute the kernel in blocks of rows, use smaller images or FLOAT");
        java.util.Queue<ConvRecursion.Work> all = new java.util.concurrent.ConcurrentLinkedQueue<>();
        double[] goal = new double[plan.activations()];
        Arrays.fill(goal, 1.0);
        ThreadLocal<ConvRecursion.Work> works = ThreadLocal.withInitial(() -> {
            ConvRecursion.Work wk = plan.newWork(goal);
            all.add(wk);
            return wk;
        });
        ConvRecursion.Example[] a = examples(plan, x1, channelsLast, parallel, works);
        ConvRecursion.Example[] b = symmetric ? a : examples(plan, x2, channelsLast, parallel, works);
        tighten(plan, all, goal, parallel, works, a, symmetric ? null : b);
        INDArray nngp = Nd4j.create(type, n1, n2);
        INDArray ntk = Nd4j.create(type, n1, n2);
        for (int r0 = 0; r0 < n1; r0 += t) {
            int r1 = Math.min(n1, r0 + t);
            int c0 = symmetric ? r0 : 0;
            int cols = n2 - c0;
            double[] bn = new double[(r1 - r0) * cols];
            double[] bt = new double[(r1 - r0) * cols];
            final int rs = r0;
            IntStream rows = IntStream.range(r0, r1);
            (parallel ? rows.parallel() : rows).forEach(i -> {
                ConvRecursion.Work wk = works.get();
                double[] out = wk.output();
                for (int j = symmetric ? i : 0; j < n2; j++) {
                    plan.run(a[i], b[j], false, wk, out);
                    int idx = (i - rs) * cols + (j - c0);
                    bn[idx] = out[0];
                    bt[idx] = out[1];
                }
            });
            if (symmetric) {
                for (int i = r0; i < r1; i++) {
                    for (int j = r0; j < i; j++) {
                        bn[(i - r0) * cols + (j - c0)] = bn[(j - r0) * cols + (i - c0)];
                        bt[(i - r0) * cols + (j - c0)] = bt[(j - r0) * cols + (i - c0)];
                    }
                }
            }
            put(nngp, bn, r0, r1, c0, n2, type, symmetric);
            put(ntk, bt, r0, r1, c0, n2, type, symmetric);
        }
        java.util.Arrays.fill(poolGain, 1.0);
        for (ConvRecursion.Work wk : all) {
            double[] e = wk.errors();
            for (int s = 0; s < layerError.length; s++) {
                layerError[s] = Math.max(layerError[s], e[s]);
            }
            double[] g = wk.amplification();
            for (int s = 0; s < poolGain.length; s++) {
                poolGain[s] = Math.max(poolGain[s], g[s]);
            }
        }
        return new INDArray[]{nngp, ntk};
    }


    /**
     * Once every example's own run has measured the poolings' error magnifications {@code G_s}
     * ({@link ConvRecursion#errorGain}), lowers the per-entry goal where needed so that entry errors at the goal give
     * at most a quarter of the tolerance, {@code Σ_s 2(D − s)·G_s·goal ≤ tol/4} (by at most 1000×); the own runs'
     * errors are then recounted under the new goal (their tables and variances are kept: they do not depend on it).
     */
    private static void tighten(ConvRecursion plan, java.util.Queue<ConvRecursion.Work> all, double[] goal,
                                boolean parallel, ThreadLocal<ConvRecursion.Work> works, ConvRecursion.Example[] a,
                                ConvRecursion.Example[] b) {
        if (plan.poolings() == 0 || !plan.usesTables()) {
            return;
        }
        double[] poolGain = new double[plan.poolings()];
        Arrays.fill(poolGain, 1.0);
        for (ConvRecursion.Work wk : all) {
            double[] g = wk.amplification();
            for (int s = 0; s < poolGain.length; s++) {
                poolGain[s] = Math.max(poolGain[s], g[s]);
            }
        }
        double[] gain = plan.errorGain(poolGain);
        int depth = goal.length + 1;
        double total = 0;
        for (int s = 0; s < goal.length; s++) {
            total += 2.0 * (depth - s) * gain[s];
        }
        // entry errors at the goal then give at most a quarter of the tolerance
        double factor = Math.max(1e-3, Math.min(1.0, 0.25 * plan.tolerance() / total / plan.entryTarget()));
        if (!(factor < 1.0)) {
            return;
        }
        Arrays.fill(goal, factor);
        for (ConvRecursion.Work wk : all) {
            Arrays.fill(wk.errors(), 0.0);
        }
        for (ConvRecursion.Example[] ex : b == null ? new ConvRecursion.Example[][]{a}
                : new ConvRecursion.Example[][]{a, b}) {
            IntStream range = IntStream.range(0, ex.length);
            (parallel ? range.parallel() : range).forEach(i -> {
                ConvRecursion.Work wk = works.get();
                plan.run(ex[i], ex[i], false, wk, wk.output());
            });
        }
    }

    /**
     * @param plan      the recursion
     * @param type      the result's data type
     * @param n1        rows
     * @param n2        columns
     * @param symmetric whether {@code x2} is {@code x1}
     * @param t         rows per tile
     * @param threads   threads that hold a workspace
     * @return bytes needed beyond the inputs' own arrays: both results, one tile, per-thread workspaces, the inputs in
     *         DOUBLE and per example its pixel variances (and, for the error-controlled rule, its Hermite table rows)
     */
    public static long bytesNeeded(ConvRecursion plan, DataType type, int n1, int n2, boolean symmetric, int t,
                                   int threads) {
        long pixels = plan.inputPixels();
        long work = 9L * 8 * (plan.full() ? pixels * pixels : pixels) * threads;
        long examples = n1 + (symmetric ? 0 : n2);
        long inputs = 8L * plan.inputChannels() * pixels * examples;
        long perExample = 0;
        for (int ap : plan.activationPixels()) {
            // variances, and the HermiteTable rows (2·65 coefficients, energies, remainders) when error-controlled,
            // plus up to 160 doubles of the kink split's coefficients (rectified tanh, SELU; counted for every table)
            perExample += 8L * ap * (plan.usesTables() ? 1 + 2 * 65 + 8 + 10 + 160 : 1);
        }
        return 2 * MemoryBudget.bytes(type, n1, n2) + 2 * MemoryBudget.bytes(DataType.DOUBLE, t, n2) + work + inputs
                + perExample * examples;
    }

    /**
     * @param x1 images
     * @param x2 images, or {@code null}
     * @throws IllegalArgumentException with one line naming the problem and the fix
     */
    public static void validate(INDArray x1, INDArray x2, int inputChannels, boolean channelsLast) {
        validate(x1, "x1", inputChannels, channelsLast);
        if (x2 == null) {
            return;
        }
        validate(x2, "x2", inputChannels, channelsLast);
        if (x2.dataType() != x1.dataType()) {
            throw new IllegalArgumentException("x1 and x2 must have the same data type (got: " + x1.dataType()
                    + " and " + x2.dataType() + ")");
        }
        if (x1.size(1) != x2.size(1) || x1.size(2) != x2.size(2) || x1.size(3) != x2.size(3)) {
            throw new IllegalArgumentException("x1 and x2 must have images of one size (got: "
                    + Arrays.toString(x1.shape()) + " and " + Arrays.toString(x2.shape()) + ")");
        }
    }

    private static void validate(INDArray x, String name, int inputChannels, boolean channelsLast) {
        Objects.requireNonNull(x, name);
        String layout = channelsLast ? "[n, H, W, " + inputChannels + "]" : "[n, " + inputChannels + ", H, W]";
        if (x.rank() != 4 || x.size(channelsLast ? 3 : 1) != inputChannels) {
            throw new IllegalArgumentException("expected " + name + " of shape " + layout + ", got "
                    + Arrays.toString(x.shape()));
        }
        if (x.size(0) < 1) {
            throw new IllegalArgumentException(name + " has no images (shape " + Arrays.toString(x.shape()) + ")");
        }
        if (x.dataType() != DataType.FLOAT && x.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException(name + " must be FLOAT or DOUBLE (got: " + x.dataType()
                    + "); cast it with x.castTo(DataType.DOUBLE)");
        }
        if (BooleanIndexing.or(x, Conditions.isNan()) || BooleanIndexing.or(x, Conditions.isInfinite())) {
            throw new IllegalArgumentException(name + " contains NaN or infinite values; clean the images first");
        }
    }

    private static ConvRecursion.Example[] examples(ConvRecursion plan, INDArray x, boolean channelsLast,
                                                    boolean parallel, ThreadLocal<ConvRecursion.Work> works) {
        INDArray d = x.castTo(DataType.DOUBLE);
        if (channelsLast) {
            d = d.permute(0, 3, 1, 2);
        }
        d = d.dup('c');
        int n = (int) d.size(0);
        int len = (int) (d.length() / n);
        double[] all = d.data().asDouble();
        ConvRecursion.Example[] out = new ConvRecursion.Example[n];
        IntStream range = IntStream.range(0, n);
        (parallel ? range.parallel() : range).forEach(i -> {
            ConvRecursion.Work wk = works.get();
            out[i] = plan.newExample(Arrays.copyOfRange(all, i * len, (i + 1) * len));
            plan.run(out[i], out[i], true, wk, wk.output());
        });
        return out;
    }

    private static void put(INDArray out, double[] values, int r0, int r1, int c0, int c1, DataType type,
                            boolean mirror) {
        INDArray block = Nd4j.create(values, new long[]{r1 - r0, c1 - c0}, 'c').castTo(type);
        out.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.interval(c0, c1)).assign(block);
        if (mirror) {
            out.get(NDArrayIndex.interval(c0, c1), NDArrayIndex.interval(r0, r1)).assign(block.transpose());
        }
    }
}
