package org.ntk4j.examples.bench;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.dl4j.network.internal.SymmetricGram;

import java.util.List;

/**
 * The time of a list of matrix products at this machine's real BLAS rate: operands and outputs allocated once, then
 * {@code Nd4j.gemm(a, b, out, false, false, 1, 0)} into the preallocated outputs, or for a symmetric product
 * {@code a aᵀ} the engine's own {@code SymmetricGram.lower} (OpenBLAS {@code syrk}, lower triangle; no allocation
 * while timed).
 */
final class GemmBaseline {
    private GemmBaseline() {
    }

    /**
     * @param type     data type
     * @param products {@code {m, k, n, symmetric}} per product ({@code symmetric = 1}: {@code a aᵀ}, {@code n = m})
     * @param reps     timed rounds after a warm-up
     * @return the minimum over rounds of the time of one round of all products, seconds
     */
    static double seconds(DataType type, List<long[]> products, int reps) {
        int np = products.size();
        INDArray[] a = new INDArray[np], b = new INDArray[np], c = new INDArray[np];
        for (int i = 0; i < np; i++) {
            long[] s = products.get(i);
            a[i] = Nd4j.rand(type, s[0], s[1]);
            b[i] = s[3] == 1 ? null : Nd4j.rand(type, s[1], s[2]);
            c[i] = Nd4j.createUninitialized(type, new long[]{s[0], s[2]}, s[3] == 1 ? 'c' : 'f');
        }
        double best = Double.MAX_VALUE;
        for (int r = 0; r <= reps; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < np; i++) {
                if (b[i] == null) {
                    SymmetricGram.lower(a[i], c[i]); // the engine's own call: OpenBLAS syrk on the CPU backend
                } else {
                    Nd4j.gemm(a[i], b[i], c[i], false, false, 1.0, 0.0);
                }
            }
            double t = (System.nanoTime() - t0) / 1e9;
            if (r > 0) {
                best = Math.min(best, t);
            }
        }
        return best;
    }

    /**
     * @param products {@code {m, k, n, symmetric}} per product
     * @return floating-point operations of one round, in GFLOP ({@code m (m + 1) k} for a symmetric product)
     */
    static double gflop(List<long[]> products) {
        double f = 0;
        for (long[] s : products) {
            f += s[3] == 1 ? (double) s[0] * (s[0] + 1) * s[1] : 2.0 * s[0] * s[1] * s[2];
        }
        return f / 1e9;
    }
}
