package org.ntk4j.spark.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ReadOptions;
import org.ntk4j.core.kernel.MemoryBudget;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The driver's side: reads every tile of a finished job, checks its shape and data type against the grid, and puts
 * it in place (a symmetric kernel's lower tiles are the mirrored upper ones).
 */
public final class TileAssembler {
    private TileAssembler() {
    }

    /**
     * @param grid   the tiling
     * @param store  the tile directory
     * @param type   the data type every tile must have, or null for the first tile's
     * @param full   true for FULL tiles {@code [r, c, o, o]}, false for TRACE {@code [r, c]}
     * @param budget the memory budget of the assembled kernel
     * @return the kernel {@code [n1, n2]} or {@code [n1, n2, o, o]}
     */
    public static INDArray assemble(TileGrid grid, TileStore store, DataType type, boolean full, MemoryBudget budget) {
        INDArray out = null;
        long o = -1;
        for (TileGrid.Tile t : grid.tiles()) {
            INDArray tile = read(store, t);
            long r = t.r1() - t.r0(), c = t.c1() - t.c0();
            long[] shape = tile.shape();
            if (o < 0) {
                type = type == null ? tile.dataType() : type;
                o = full && shape.length == 4 ? shape[2] : 1;
                long[] kernelShape = full ? new long[]{grid.n1(), grid.n2(), o, o} : new long[]{grid.n1(), grid.n2()};
                budget.check("assembling the " + Arrays.toString(kernelShape) + " kernel from its tiles",
                        MemoryBudget.bytes(type, kernelShape), "keep the tiles and read them one by one");
                out = Nd4j.create(type, kernelShape);
            }
            long[] expected = full ? new long[]{r, c, o, o} : new long[]{r, c};
            if (!Arrays.equals(shape, expected) || tile.dataType() != type) {
                throw new IllegalArgumentException("tile " + store.uri() + "/" + t.fileName() + " is "
                        + tile.dataType() + " " + Arrays.toString(shape) + ", expected " + type + " "
                        + Arrays.toString(expected) + ": the directory holds foreign files; give an empty one");
            }
            out.get(region(t.r0(), t.r1(), t.c0(), t.c1(), full)).assign(tile);
            if (grid.symmetric() && t.i() != t.j()) {
                out.get(region(t.c0(), t.c1(), t.r0(), t.r1(), full))
                        .assign(full ? tile.permute(1, 0, 3, 2) : tile.transpose());
            }
        }
        if (out == null) {
            out = full ? Nd4j.create(type, grid.n1(), grid.n2(), 0, 0) : Nd4j.create(type, grid.n1(), grid.n2());
        }
        return out;
    }

    private static INDArray read(TileStore store, TileGrid.Tile t) {
        try (InputStream in = store.open(t.fileName())) {
            return ArrayFiles.readNpy(in, store.uri() + "/" + t.fileName(), store.length(t.fileName()),
                    ReadOptions.defaults());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static INDArrayIndex[] region(long r0, long r1, long c0, long c1, boolean full) {
        return full ? new INDArrayIndex[]{NDArrayIndex.interval(r0, r1), NDArrayIndex.interval(c0, c1),
                NDArrayIndex.all(), NDArrayIndex.all()}
                : new INDArrayIndex[]{NDArrayIndex.interval(r0, r1), NDArrayIndex.interval(c0, c1)};
    }
}
