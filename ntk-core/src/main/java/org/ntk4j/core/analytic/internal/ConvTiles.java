package org.ntk4j.core.analytic.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Runs a {@link ConvRecursion} over all example pairs: each example's own run first (in parallel), then tiles of
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
     * @param t            rows per tile
     * @param parallel     whether rows run on the common fork-join pool
     * @param layerError   receives, per activation, the largest estimated relative error (error-controlled rule)
     * @return {NNGP, NTK}, {@code [n1, n2]} in the data type of {@code x1}
     */
    public static INDArray[] run(ConvRecursion plan, INDArray x1, INDArray x2, boolean channelsLast, int t,
                                 boolean parallel, double[] layerError) {
        boolean symmetric = x2 == null;
        DataType type = x1.dataType();
        int n1 = (int) x1.size(0);
        int n2 = symmetric ? n1 : (int) x2.size(0);
        java.util.Queue<ConvRecursion.Work> all = new java.util.concurrent.ConcurrentLinkedQueue<>();
        ThreadLocal<ConvRecursion.Work> works = ThreadLocal.withInitial(() -> {
            ConvRecursion.Work wk = plan.newWork();
            all.add(wk);
            return wk;
        });
        ConvRecursion.Example[] a = examples(plan, x1, channelsLast, parallel, works);
        ConvRecursion.Example[] b = symmetric ? a : examples(plan, x2, channelsLast, parallel, works);
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
        for (ConvRecursion.Work wk : all) {
            double[] e = wk.errors();
            for (int s = 0; s < layerError.length; s++) {
                layerError[s] = Math.max(layerError[s], e[s]);
            }
        }
        return new INDArray[]{nngp, ntk};
    }


    /** Per example, channel-major {@code [C·H·W]} in DOUBLE, then its own run (variances, tables). */
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
