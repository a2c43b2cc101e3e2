package org.ntk4j.spark.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where the driver puts the tiles of a job as they come back: the kernel in memory ({@link ArrayTileSink}) or an
 * out-of-core kernel file ({@link KernelFileSink}). Used by one thread (the driver's).
 */
public interface TileSink {
    /**
     * @param t a tile of the grid
     * @return true when the sink already holds it (a resumed kernel file): it is neither computed nor read again
     */
    boolean holds(TileGrid.Tile t);

    /**
     * @param t    the tile
     * @param tile its values as the executors wrote them: {@code [r, c]} (TRACE, analytic) or {@code [r, c, o, o]}
     *             (FULL), already checked against the grid
     */
    void put(TileGrid.Tile t, INDArray tile);
}
