package org.ntk4j.spark.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.io.ArrayFiles;
import org.ntk4j.core.io.ReadOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The driver's side of a tile: reads one tile file back from the directory and checks its shape and data type
 * against the job before a {@link TileSink} takes it, so that a foreign file is refused, never assembled.
 */
public final class TileAssembler {
    private TileAssembler() {
    }

    /**
     * @param store the tile directory
     * @param t     the tile
     * @param type  the data type the tile must have
     * @param o     outputs per example of a FULL kernel ({@code [r, c, o, o]} tiles), or 0 for {@code [r, c]} tiles
     * @return the tile
     * @throws IllegalArgumentException when the file is not the tile the job expects
     */
    public static INDArray read(TileStore store, TileGrid.Tile t, DataType type, int o) {
        INDArray tile;
        try (InputStream in = store.open(t.fileName())) {
            tile = ArrayFiles.readNpy(in, store.uri() + "/" + t.fileName(), store.length(t.fileName()),
                    ReadOptions.defaults());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long r = t.r1() - t.r0(), c = t.c1() - t.c0();
        long[] expected = o > 0 ? new long[]{r, c, o, o} : new long[]{r, c};
        if (!Arrays.equals(tile.shape(), expected) || tile.dataType() != type) {
            throw new IllegalArgumentException("tile " + store.uri() + "/" + t.fileName() + " is " + tile.dataType()
                    + " " + Arrays.toString(tile.shape()) + ", expected " + type + " " + Arrays.toString(expected)
                    + ": the directory holds foreign files; give an empty one");
        }
        return tile;
    }
}
