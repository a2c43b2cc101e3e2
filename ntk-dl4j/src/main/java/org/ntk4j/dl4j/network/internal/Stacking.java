package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The stacked, example-major layout of backward passes: with {@code o} outputs, row {@code i·o + k} of a stacked array
 * belongs to example {@code i} and output {@code k}. All outputs of all examples go through one backward pass.
 */
public final class Stacking {
    private Stacking() {
    }

    /**
     * @return {@code x} with every example (dimension 0) repeated {@code o} times consecutively; {@code x} itself when o = 1
     */
    public static INDArray repeatExamples(INDArray x, int o) {
        if (o == 1) {
            return x;
        }
        return x.repeat(0, o);
    }

    /**
     * Multiplies stacked epsilons by a per-example factor shared by all outputs: {@code out[i·o + k] = eps[i·o + k] ⊙ d[i]}.
     *
     * @param eps stacked {@code [n·o, ...]}
     * @param d   per example {@code [n, ...]} (same trailing shape)
     * @param o   outputs
     * @return a new array shaped like {@code eps}
     */
    public static INDArray mulPerExample(INDArray eps, INDArray d, int o) {
        long n = d.size(0);
        long m = d.length() / Math.max(n, 1);
        INDArray e3 = eps.dup('c').reshape('c', n, o, m);
        INDArray d2 = d.dup('c').reshape('c', n, m);
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp(e3, d2, e3, 0, 2));
        return e3.reshape('c', eps.shape());
    }

    /** @return the seed of the backward pass: {@code [n·o, o]}, row {@code i·o + k} is the unit vector {@code e_k} */
    public static INDArray seed(org.nd4j.linalg.api.buffer.DataType type, long n, int o) {
        INDArray eye = Nd4j.eye(o).castTo(type);
        return repeatBlocks(eye, n);
    }

    /**
     * The seed of one output array among several: {@code [n·m, s...]} where {@code s} is the output's per-example
     * shape; row {@code i·m + offset + k} is the unit array of entry {@code k} (C order), the other rows are zero.
     *
     * @param m      the outputs per example of all selected output arrays together
     * @param offset where this array's entries start among the m
     * @param shape  the output array's shape {@code [n, s...]}
     */
    public static INDArray seed(org.nd4j.linalg.api.buffer.DataType type, long n, int m, long offset, long[] shape) {
        long len = 1;
        for (int d = 1; d < shape.length; d++) {
            len *= shape[d];
        }
        INDArray block = len == m && offset == 0 ? Nd4j.eye(m).castTo(type) : Nd4j.create(type, m, len);
        if (len != m || offset != 0) {
            block.get(NDArrayIndex.interval(offset, offset + len), NDArrayIndex.all()).assign(Nd4j.eye(len).castTo(type));
        }
        INDArray flat = repeatBlocks(block, n);
        long[] s = shape.clone();
        s[0] = n * m;
        return shape.length == 2 ? flat : flat.reshape('c', s);
    }

    private static INDArray repeatBlocks(INDArray block, long times) {
        long r = block.size(0), c = block.size(1);
        return block.reshape('c', 1, r, c).broadcast(times, r, c).dup('c').reshape('c', times * r, c);
    }

    /** @return rows {@code [from, to)} of {@code x} (any rank), as a view */
    public static INDArray rows(INDArray x, long from, long to) {
        INDArrayIndex[] idx = new INDArrayIndex[x.rank()];
        idx[0] = NDArrayIndex.interval(from, to);
        for (int d = 1; d < idx.length; d++) {
            idx[d] = NDArrayIndex.all();
        }
        return x.get(idx);
    }

    /** @return {@code x} flattened per example: {@code [n, prod(rest)]} in c order (a copy when needed) */
    public static INDArray perExampleMatrix(INDArray x) {
        long n = x.size(0);
        return x.rank() == 2 ? x : x.dup('c').reshape('c', n, x.length() / Math.max(n, 1));
    }
}
