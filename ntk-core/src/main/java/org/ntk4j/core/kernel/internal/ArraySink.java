package org.ntk4j.core.kernel.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The in-memory {@link TileScheduler.TileSink}: tiles are computed straight into views of one array in the flattened
 * example-major layout {@code [n1·m, n2·m]}, mirrored tiles assigned transposed.
 */
public final class ArraySink implements TileScheduler.TileSink {
    private final INDArray out;
    private final int m;

    /**
     * @param out the kernel {@code [n1·m, n2·m]}
     * @param m   entries per example: 1 (TRACE) or o (FULL, flattened)
     */
    public ArraySink(INDArray out, int m) {
        this.out = out;
        this.m = m;
    }

    @Override
    public boolean holds(long bi, long bj) {
        return false;
    }

    @Override
    public INDArray region(long r0, long r1, long c0, long c1) {
        return out.get(NDArrayIndex.interval(r0 * m, r1 * m), NDArrayIndex.interval(c0 * m, c1 * m));
    }

    @Override
    public void commit(long bi, long bj, long r0, long c0, INDArray region, boolean mirror) {
        if (mirror) {
            long rows = region.size(0), cols = region.size(1);
            out.get(NDArrayIndex.interval(c0 * m, c0 * m + cols), NDArrayIndex.interval(r0 * m, r0 * m + rows))
                    .assign(region.transpose());
        }
    }
}
