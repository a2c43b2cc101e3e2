package org.ntk4j.spark.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The kernel assembled in memory: {@code [n1, n2]} or {@code [n1, n2, o, o]}, a symmetric kernel's lower tiles mirrored. */
public final class ArrayTileSink implements TileSink {
    private final INDArray kernel;
    private final boolean symmetric;
    private final boolean full;

    /**
     * @param grid the tiling
     * @param type the kernel's data type
     * @param o    outputs per example of a FULL kernel, or 0 for a {@code [n1, n2]} kernel
     */
    public ArrayTileSink(TileGrid grid, DataType type, int o) {
        this.full = o > 0;
        this.symmetric = grid.symmetric();
        this.kernel = full ? Nd4j.create(type, grid.n1(), grid.n2(), o, o) : Nd4j.create(type, grid.n1(), grid.n2());
    }

    @Override
    public boolean holds(TileGrid.Tile t) {
        return false;
    }

    @Override
    public void put(TileGrid.Tile t, INDArray tile) {
        kernel.get(region(t.r0(), t.r1(), t.c0(), t.c1())).assign(tile);
        if (symmetric && t.i() != t.j()) {
            kernel.get(region(t.c0(), t.c1(), t.r0(), t.r1())).assign(full ? tile.permute(1, 0, 3, 2) : tile.transpose());
        }
    }

    /** @return the kernel */
    public INDArray kernel() {
        return kernel;
    }

    private INDArrayIndex[] region(long r0, long r1, long c0, long c1) {
        return full ? new INDArrayIndex[]{NDArrayIndex.interval(r0, r1), NDArrayIndex.interval(c0, c1),
                NDArrayIndex.all(), NDArrayIndex.all()}
                : new INDArrayIndex[]{NDArrayIndex.interval(r0, r1), NDArrayIndex.interval(c0, c1)};
    }
}
