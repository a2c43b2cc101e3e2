package org.ntk4j.dl4j.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.kernel.internal.TileScheduler;
import org.ntk4j.dl4j.network.internal.DenseChain;
import org.ntk4j.dl4j.network.internal.NtkEngine;
import org.ntk4j.dl4j.network.internal.Stacking;

/**
 * The {@link TileScheduler.TileComputer}s of {@code EmpiricalNtk}: the dense-chain fast path and the general engine.
 * Tiles come out in the layout of the region they are given (the dense chain also writes the blocked
 * {@code [b1, b2, o, o]} regions of a {@code BlockedArraySink}), TRACE tiles already divided by the number of outputs.
 */
public final class EmpiricalTiles {
    private EmpiricalTiles() {
    }

    /** One side of the kernel: per network input the features, and the masks (null when none). */
    public record Side(INDArray[] x, INDArray[] masks) {
        /** @return rows {@code [from, to)} of every array, as views */
        public Side rows(long from, long to) {
            return new Side(slice(x, from, to), masks == null ? null : slice(masks, from, to));
        }

        /** @return one all-zero example of the same shapes (no masks): probes the outputs when both sides are empty */
        public Side zeroExample() {
            INDArray[] z = new INDArray[x.length];
            for (int i = 0; i < x.length; i++) {
                long[] shape = x[i].shape().clone();
                shape[0] = 1;
                z[i] = Nd4j.zeros(x[i].dataType(), shape);
            }
            return new Side(z, null);
        }

        private static INDArray[] slice(INDArray[] x, long from, long to) {
            INDArray[] r = new INDArray[x.length];
            for (int i = 0; i < x.length; i++) {
                r[i] = x[i] == null ? null : Stacking.rows(x[i], from, to);
            }
            return r;
        }
    }

    /**
     * The dense-chain fast path: {@code first(rows)} once per row of tiles, {@code tile(columns)} per tile, no
     * factors kept between tiles (run it with {@code maxCached = 0}).
     *
     * @param chain the chain of the plan
     * @param x1    first-side features {@code [n1, d]}
     * @param x2    second-side features {@code [n2, d]}
     * @param trace TRACE (mean over outputs) or FULL (flattened, or blocked when the sink's regions are 4-D)
     * @param o     outputs
     * @return the computer; its factors are the blocks' feature rows
     */
    public static TileScheduler.TileComputer<INDArray> chain(DenseChain chain, INDArray x1, INDArray x2, boolean trace,
                                                            int o) {
        return new TileScheduler.TileComputer<>() {
            @Override
            public INDArray factors(long from, long to, boolean second) {
                INDArray rows = Stacking.rows(second ? x2 : x1, from, to);
                if (!second) {
                    chain.first(rows);
                }
                return rows;
            }

            @Override
            public void tile(INDArray f1, INDArray f2, boolean diagonal, INDArray out) {
                chain.tile(diagonal ? null : f2, trace, trace ? o : 1, out);
            }
        };
    }

    /**
     * The general engine: block factors per side (kept by the scheduler when they fit), contracted per tile.
     *
     * @param engine the engine
     * @param side1  first side
     * @param side2  second side
     * @param trace  TRACE (mean over outputs) or FULL (flattened)
     * @param o      outputs
     * @return the computer
     */
    public static TileScheduler.TileComputer<NtkEngine.BlockFactors> engine(NtkEngine engine, Side side1, Side side2,
                                                                           boolean trace, int o) {
        return new TileScheduler.TileComputer<>() {
            @Override
            public NtkEngine.BlockFactors factors(long from, long to, boolean second) {
                Side block = (second ? side2 : side1).rows(from, to);
                return engine.factors(block.x(), block.masks());
            }

            @Override
            public void tile(NtkEngine.BlockFactors f1, NtkEngine.BlockFactors f2, boolean diagonal, INDArray out) {
                INDArray t = NtkEngine.contract(f1, f2, trace);
                if (t == null) {
                    out.assign(0);
                    return;
                }
                out.assign(t);
                if (trace && o > 1) {
                    out.divi(o);
                }
            }
        };
    }
}
