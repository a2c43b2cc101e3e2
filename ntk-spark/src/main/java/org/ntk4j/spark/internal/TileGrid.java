package org.ntk4j.spark.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The tiles of an {@code n1 × n2} kernel in blocks of {@code tile} examples: row-major, and for a symmetric kernel
 * only the upper triangle {@code i ≤ j} (the driver mirrors the rest).
 *
 * @param n1        rows (examples of x1)
 * @param n2        columns (examples of x2)
 * @param tile      examples per tile side
 * @param symmetric true for {@code k(x1, x1)}
 */
public record TileGrid(long n1, long n2, int tile, boolean symmetric) implements Serializable {

    /**
     * One tile: block row {@code i}, block column {@code j}, examples {@code [r0, r1) × [c0, c1)}.
     *
     * @param i  block row
     * @param j  block column
     * @param r0 first row
     * @param r1 end row (exclusive)
     * @param c0 first column
     * @param c1 end column (exclusive)
     */
    public record Tile(int i, int j, long r0, long r1, long c0, long c1) implements Serializable {
        /** @return the tile's file name, {@code tile-r<i>-c<j>.npy} */
        public String fileName() {
            return "tile-r" + i + "-c" + j + ".npy";
        }

        /**
         * @param symmetric whether the kernel is symmetric
         * @return true for a tile on the diagonal of a symmetric kernel
         */
        public boolean diagonal(boolean symmetric) {
            return symmetric && i == j;
        }
    }

    /** @return block rows */
    public int rows() {
        return (int) ((n1 + tile - 1) / tile);
    }

    /** @return block columns */
    public int cols() {
        return (int) ((n2 + tile - 1) / tile);
    }

    /** @return every tile to compute, row-major */
    public List<Tile> tiles() {
        List<Tile> out = new ArrayList<>();
        for (int i = 0; i < rows(); i++) {
            for (int j = symmetric ? i : 0; j < cols(); j++) {
                out.add(new Tile(i, j, (long) i * tile, Math.min(n1, (long) (i + 1) * tile),
                        (long) j * tile, Math.min(n2, (long) (j + 1) * tile)));
            }
        }
        return out;
    }

    /**
     * @param all          tiles of the grid, in its order (e.g. those a resumed kernel file does not hold yet)
     * @param tilesPerTask tiles per Spark task, &gt; 0
     * @return the tiles in consecutive groups of at most {@code tilesPerTask}, one group per task
     */
    public static List<List<Tile>> groups(List<Tile> all, int tilesPerTask) {
        List<List<Tile>> out = new ArrayList<>();
        for (int s = 0; s < all.size(); s += tilesPerTask) {
            out.add(new ArrayList<>(all.subList(s, Math.min(all.size(), s + tilesPerTask))));
        }
        return out;
    }
}
