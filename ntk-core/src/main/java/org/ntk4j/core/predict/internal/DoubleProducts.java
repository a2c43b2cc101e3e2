package org.ntk4j.core.predict.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Kernel–coefficient products of the predictors in double precision whatever the kernel's type: {@code f0 − K w}
 * cancels terms of order {@code Σ|K||w|} (10⁴–10⁵ times the result for an NTK of a few thousand examples), so a
 * float32 product loses three or more digits. A FLOAT kernel is widened by row blocks of about 32 MiB, never as a whole
 * {@code m × m} double copy.
 */
public final class DoubleProducts {
    /** Doubles per widened row block. */
    private static final long BLOCK_ELEMENTS = 1L << 22;

    private DoubleProducts() {
    }

    /**
     * @param k [r, c] FLOAT or DOUBLE
     * @param w [c, p]; widened to DOUBLE
     * @return {@code k w} [r, p], DOUBLE
     */
    public static INDArray times(INDArray k, INDArray w) {
        return times(k, w, BLOCK_ELEMENTS);
    }

    static INDArray times(INDArray k, INDArray w, long blockElements) {
        INDArray wd = w.castTo(DataType.DOUBLE);
        if (k.dataType() == DataType.DOUBLE) {
            return k.mmul(wd);
        }
        long r = k.size(0);
        long c = k.size(1);
        INDArray out = Nd4j.create(DataType.DOUBLE, r, wd.size(1));
        long step = Math.max(1, blockElements / Math.max(1, c));
        for (long r0 = 0; r0 < r; r0 += step) {
            long r1 = Math.min(r, r0 + step);
            INDArray block = k.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all()).castTo(DataType.DOUBLE);
            out.get(NDArrayIndex.interval(r0, r1), NDArrayIndex.all()).assign(block.mmul(wd));
            block.close();
        }
        return out;
    }

    /**
     * @param f0   [r, 1] (any floating type)
     * @param k    [r, c]
     * @param w    [c, 1]
     * @param type the result's type
     * @return {@code f0 − k w} computed in double, in {@code type}
     */
    public static INDArray minusTimes(INDArray f0, INDArray k, INDArray w, DataType type) {
        return times(k, w).rsubi(f0.castTo(DataType.DOUBLE)).castTo(type);     // the product's array, reused
    }
}
