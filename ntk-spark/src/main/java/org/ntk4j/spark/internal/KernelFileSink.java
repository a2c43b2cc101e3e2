package org.ntk4j.spark.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.KernelFile;
import org.ntk4j.core.kernel.KernelLayout;

/**
 * The kernel written to an out-of-core {@link KernelFile} on the driver, one tile at a time: a FULL tile
 * {@code [r, c, o, o]} goes in as its flattened example-major {@code [r·o, c·o]} layout, and the file mirrors a
 * symmetric kernel's off-diagonal tiles itself. Tiles the file already records (a resumed run) are held.
 */
public final class KernelFileSink implements TileSink {
    private final KernelFile file;

    /** @param file the open kernel file, whose block is the grid's tile size */
    public KernelFileSink(KernelFile file) {
        this.file = file;
    }

    @Override
    public boolean holds(TileGrid.Tile t) {
        return file.isDone(t.i(), t.j());
    }

    @Override
    public void put(TileGrid.Tile t, INDArray tile) {
        file.writeTile(t.i(), t.j(), tile.rank() == 4 ? KernelLayout.flatten(tile) : tile);
    }
}
