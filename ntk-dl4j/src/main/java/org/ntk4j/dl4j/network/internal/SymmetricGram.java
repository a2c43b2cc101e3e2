package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code C = X Xᵀ} for the symmetric tiles of a kernel with three quarter of the multiply–adds of a full product: the
 * rows split in two halves, {@code C11 = X1 X1ᵀ}, {@code C12 = X1 X2ᵀ}, {@code C22 = X2 X2ᵀ} by {@code gemm} into
 * preallocated blocks, then assembled (with {@code C21 = C12ᵀ}) into the c-ordered output in one pass.
 * ND4J's {@code syrk} wrapper is not used: in M2.1 it returns wrong values (measured).
 */
final class SymmetricGram {
    /** Below this many rows one full product is cheaper than three half products and the assembly. */
    static final long MIN_ROWS = 128;
    private final Map<Long, INDArray[]> blocks = new HashMap<>();

    /**
     * @param x   {@code [m, k]} c-ordered, contiguous
     * @param out {@code [m, m]} c-ordered buffer with offset 0, overwritten
     */
    void gram(INDArray x, INDArray out) {
        long m = x.size(0);
        if (m < MIN_ROWS) {
            Nd4j.gemm(x, x, out, false, true, 1.0, 0.0);
            return;
        }
        long h = m / 2;
        INDArray[] c = blocks.computeIfAbsent(m * 0x10_0000L + x.size(1), k -> new INDArray[]{
                Nd4j.createUninitialized(x.dataType(), new long[]{h, h}, 'c'),
                Nd4j.createUninitialized(x.dataType(), new long[]{h, m - h}, 'c'),
                Nd4j.createUninitialized(x.dataType(), new long[]{m - h, m - h}, 'c')});
        INDArray x1 = x.get(NDArrayIndex.interval(0, h), NDArrayIndex.all());
        INDArray x2 = x.get(NDArrayIndex.interval(h, m), NDArrayIndex.all());
        Nd4j.gemm(x1, x1, c[0], false, true, 1.0, 0.0);
        Nd4j.gemm(x1, x2, c[1], false, true, 1.0, 0.0);
        Nd4j.gemm(x2, x2, c[2], false, true, 1.0, 0.0);
        int mi = (int) m, hi = (int) h, r2 = mi - hi;
        if (out.dataType() == DataType.FLOAT) {
            FloatBuffer o = out.data().asNioFloat(), c11 = c[0].data().asNioFloat(), c12 = c[1].data().asNioFloat(),
                    c22 = c[2].data().asNioFloat();
            for (int i = 0; i < hi; i++) {
                for (int j = 0; j < hi; j++) {
                    o.put(i * mi + j, c11.get(i * hi + j));
                }
                for (int j = 0; j < r2; j++) {
                    float v = c12.get(i * r2 + j);
                    o.put(i * mi + hi + j, v);
                    o.put((hi + j) * mi + i, v);
                }
            }
            for (int i = 0; i < r2; i++) {
                for (int j = 0; j < r2; j++) {
                    o.put((hi + i) * mi + hi + j, c22.get(i * r2 + j));
                }
            }
        } else {
            DoubleBuffer o = out.data().asNioDouble(), c11 = c[0].data().asNioDouble(), c12 = c[1].data().asNioDouble(),
                    c22 = c[2].data().asNioDouble();
            for (int i = 0; i < hi; i++) {
                for (int j = 0; j < hi; j++) {
                    o.put(i * mi + j, c11.get(i * hi + j));
                }
                for (int j = 0; j < r2; j++) {
                    double v = c12.get(i * r2 + j);
                    o.put(i * mi + hi + j, v);
                    o.put((hi + j) * mi + i, v);
                }
            }
            for (int i = 0; i < r2; i++) {
                for (int j = 0; j < r2; j++) {
                    o.put((hi + i) * mi + hi + j, c22.get(i * r2 + j));
                }
            }
        }
    }
}
