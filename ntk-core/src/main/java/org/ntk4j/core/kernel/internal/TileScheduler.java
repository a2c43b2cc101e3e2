package org.ntk4j.core.kernel.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;

/**
 * The one tile loop of every kernel computation: rows of tiles of {@code block × block} examples, each tile computed
 * by a {@link TileComputer} into the region a {@link TileSink} offers, symmetric kernels ({@code x2 = x1}) computed
 * on and above the diagonal only and mirrored by the sink, second-side block factors kept (up to a count the caller
 * sizes from its memory budget) instead of being recomputed for every row, tiles a sink already holds (a resumed
 * file) skipped, and progress reported after each tile.
 *
 * <p>Order: row blocks {@code i = 0, 1, …}, within a row column blocks {@code j = (symmetric ? i : 0), …}; the first
 * side's factors of row {@code i} are computed (at most once) before its first tile that is not skipped. Tiles are in
 * the flattened example-major layout: a tile of rows {@code [r0, r1)} and columns {@code [c0, c1)} is
 * {@code [(r1 − r0)·m, (c1 − c0)·m]} with {@code m = 1} for TRACE kernels and {@code m = o} for FULL ones.
 */
public final class TileScheduler {
    private TileScheduler() {
    }

    /**
     * Computes tiles.
     *
     * @param <F> a block's factors (whatever the tile contraction needs of one block of examples)
     */
    public interface TileComputer<F> {
        /**
         * @param from   first example of the block
         * @param to     one past the last
         * @param second false: a block of the first side (rows); true: of the second side (columns)
         * @return the block's factors
         */
        F factors(long from, long to, boolean second);

        /**
         * @param f1       the row block's factors
         * @param f2       the column block's factors ({@code f1} itself for a diagonal tile of a symmetric kernel)
         * @param diagonal whether this is a diagonal tile of a symmetric kernel
         * @param out      the tile to write (overwritten), {@code [rows·m, cols·m]}
         */
        void tile(F f1, F f2, boolean diagonal, INDArray out);
    }

    /** Receives tiles: an in-memory array, or a kernel file on disk. */
    public interface TileSink {
        /**
         * @param bi row block
         * @param bj column block
         * @return true when the sink already holds this tile (it is skipped)
         */
        boolean holds(long bi, long bj);

        /**
         * @return where to compute the tile of example rows {@code [r0, r1)} and columns {@code [c0, c1)}:
         *         {@code [(r1 − r0)·m, (c1 − c0)·m]}, a view of the result or a scratch buffer
         */
        INDArray region(long r0, long r1, long c0, long c1);

        /**
         * Called once the region holds the tile.
         *
         * @param bi     row block
         * @param bj     column block
         * @param r0     first example row
         * @param c0     first example column
         * @param region the region from {@link #region}
         * @param mirror true when the transposed tile also belongs at rows {@code [c0, …)}, columns {@code [r0, …)}
         */
        void commit(long bi, long bj, long r0, long c0, INDArray region, boolean mirror);
    }

    /** Receives progress in tiles: {@code done} of {@code total}, counting tiles skipped because the sink held them. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param done  tiles finished
         * @param total tiles in all
         */
        void update(long done, long total);
    }

    /**
     * The grid of tiles of an {@code n1 × n2} kernel.
     *
     * @param n1        examples of the first side
     * @param n2        examples of the second side
     * @param block     examples per tile edge, &gt; 0
     * @param symmetric whether the second side is the first ({@code n1 == n2}); only tiles on and above the diagonal
     */
    public record Grid(long n1, long n2, long block, boolean symmetric) {
        /** Validates. */
        public Grid {
            if (block < 1 || n1 < 0 || n2 < 0 || (symmetric && n1 != n2)) {
                throw new IllegalArgumentException("invalid tile grid " + n1 + " x " + n2 + ", block " + block
                        + (symmetric ? ", symmetric" : ""));
            }
        }

        /** @return row blocks */
        public long rowBlocks() {
            return (n1 + block - 1) / block;
        }

        /** @return column blocks */
        public long colBlocks() {
            return (n2 + block - 1) / block;
        }

        /** @return tiles computed: the upper triangle with the diagonal when symmetric, every tile otherwise */
        public long tiles() {
            long b1 = rowBlocks();
            return symmetric ? b1 * (b1 + 1) / 2 : b1 * colBlocks();
        }

        /** @return whether tile {@code (bi, bj)} is one of the computed tiles */
        public boolean contains(long bi, long bj) {
            return bi >= 0 && bj >= 0 && bi < rowBlocks() && bj < colBlocks() && (!symmetric || bj >= bi);
        }

        /** @return first example of block {@code b} */
        public long start(long b) {
            return b * block;
        }

        /** @return one past the last example of row block {@code b} */
        public long rowEnd(long b) {
            return Math.min(n1, (b + 1) * block);
        }

        /** @return one past the last example of column block {@code b} */
        public long colEnd(long b) {
            return Math.min(n2, (b + 1) * block);
        }
    }

    /**
     * Runs every tile of the grid that the sink does not hold.
     *
     * @param grid      the tiles
     * @param computer  computes them
     * @param sink      receives them
     * @param maxCached second-side blocks whose factors may be kept at once (0: recompute them for every row)
     * @param progress  progress receiver
     * @param <F>       factors
     * @return the number of tiles computed (not skipped)
     */
    public static <F> long run(Grid grid, TileComputer<F> computer, TileSink sink, long maxCached, Progress progress) {
        long nb1 = grid.rowBlocks(), nb2 = grid.colBlocks(), total = grid.tiles(), done = 0, computed = 0;
        boolean symmetric = grid.symmetric();
        Map<Long, F> cache = new HashMap<>();
        for (long i = 0; i < nb1; i++) {
            long r0 = grid.start(i), r1 = grid.rowEnd(i);
            F f1 = null;
            F kept = symmetric ? cache.remove(i) : null; // a symmetric row's block was a column block before
            for (long j = symmetric ? i : 0; j < nb2; j++) {
                if (sink.holds(i, j)) {
                    progress.update(++done, total);
                    continue;
                }
                if (f1 == null) {
                    f1 = kept != null ? kept : computer.factors(r0, r1, false);
                }
                long c0 = grid.start(j), c1 = grid.colEnd(j);
                boolean diagonal = symmetric && i == j;
                F f2;
                if (diagonal) {
                    f2 = f1;
                } else {
                    f2 = cache.get(j);
                    if (f2 == null) {
                        f2 = computer.factors(c0, c1, true);
                        if (cache.size() < maxCached) {
                            cache.put(j, f2);
                        }
                    }
                }
                INDArray region = sink.region(r0, r1, c0, c1);
                computer.tile(f1, f2, diagonal, region);
                sink.commit(i, j, r0, c0, region, symmetric && !diagonal);
                computed++;
                progress.update(++done, total);
            }
        }
        return computed;
    }
}
