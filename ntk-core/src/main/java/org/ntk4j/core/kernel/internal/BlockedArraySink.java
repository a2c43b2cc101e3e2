package org.ntk4j.core.kernel.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * An in-memory {@link TileScheduler.TileSink} for a FULL kernel held as {@code [n1, n2, o, o]} whose tile computer
 * writes the blocked layout itself: each region is the {@code [b1, b2, o, o]} view {@code out[r0:r1, c0:c1, :, :]}
 * (the whole array when one tile covers it, so nothing is copied), mirrored tiles assigned with
 * {@code permute(1, 0, 3, 2)}. Compare {@link FullArraySink}, whose computers write flattened tiles.
 */
public final class BlockedArraySink implements TileScheduler.TileSink {
    private final INDArray out;

    /** @param out the kernel {@code [n1, n2, o, o]} */
    public BlockedArraySink(INDArray out) {
        if (out.rank() != 4) {
            throw new IllegalArgumentException("expected a kernel [n1, n2, o, o] (got: rank " + out.rank() + ")");
        }
        this.out = out;
    }

    @Override
    public boolean holds(long bi, long bj) {
        return false;
    }

    @Override
    public INDArray region(long r0, long r1, long c0, long c1) {
        return block(r0, r1, c0, c1);
    }

    @Override
    public void commit(long bi, long bj, long r0, long c0, INDArray region, boolean mirror) {
        if (mirror) {
            block(c0, c0 + region.size(1), r0, r0 + region.size(0)).assign(region.permute(1, 0, 3, 2));
        }
    }

    private INDArray block(long r0, long r1, long c0, long c1) {
        return out.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.interval(c0, c1), NDArrayIndex.all(),
                NDArrayIndex.all());
    }
}
