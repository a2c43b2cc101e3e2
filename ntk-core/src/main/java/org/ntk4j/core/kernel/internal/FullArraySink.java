package org.ntk4j.core.kernel.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.HashMap;
import java.util.Map;

/**
 * An in-memory {@link TileScheduler.TileSink} for a FULL kernel held as {@code [n1, n2, o, o]}: tiles are computed
 * flattened into a reused buffer and copied into their {@code [i, j, :, :]} block (mirrored ones with
 * {@code permute(1, 0, 3, 2)}), so the kernel is never held twice.
 */
public final class FullArraySink implements TileScheduler.TileSink {
    private final INDArray out;
    private final int o;
    private final Map<Long, INDArray> buffers = new HashMap<>();

    /**
     * @param out the kernel {@code [n1, n2, o, o]}
     * @param o   outputs
     */
    public FullArraySink(INDArray out, int o) {
        this.out = out;
        this.o = o;
    }

    @Override
    public boolean holds(long bi, long bj) {
        return false;
    }

    @Override
    public INDArray region(long r0, long r1, long c0, long c1) {
        long rows = (r1 - r0) * o, cols = (c1 - c0) * o;
        return buffers.computeIfAbsent(rows << 32 | cols,
                k -> Nd4j.createUninitialized(out.dataType(), new long[]{rows, cols}, 'c'));
    }

    @Override
    public void commit(long bi, long bj, long r0, long c0, INDArray region, boolean mirror) {
        long na = region.size(0) / o, nb = region.size(1) / o;
        INDArray tile = region.reshape('c', na, o, nb, o).permute(0, 2, 1, 3); // a view of the C-order buffer
        out.get(NDArrayIndex.interval(r0, r0 + na), NDArrayIndex.interval(c0, c0 + nb), NDArrayIndex.all(),
                NDArrayIndex.all()).assign(tile);
        if (mirror) {
            out.get(NDArrayIndex.interval(c0, c0 + nb), NDArrayIndex.interval(r0, r0 + na), NDArrayIndex.all(),
                    NDArrayIndex.all()).assign(tile.permute(1, 0, 3, 2));
        }
    }
}
