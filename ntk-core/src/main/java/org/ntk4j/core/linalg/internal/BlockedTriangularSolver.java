package org.ntk4j.core.linalg.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Blocked forward and back substitution with a lower-triangular matrix: the off-diagonal work is ND4J matrix products
 * (BLAS GEMM), only the small diagonal blocks are solved element by element (in double precision).
 *
 * <p>ND4J 1.0.0-M2.1 offers no {@code potrs}; its BLAS {@code trsm} wrapper passes the wrong dimensions, and the
 * {@code triangular_solve} custom op is an unblocked loop (about 2 s for a 4000 × 4000 system on one core, three times
 * the Cholesky factorization itself). This class is what {@code CholeskyFactor} uses instead.
 */
public final class BlockedTriangularSolver {
    /** Rows per diagonal block. */
    static final int BLOCK = 128;

    private BlockedTriangularSolver() {
    }

    /**
     * Solves {@code L X = B}.
     *
     * @param lower {@code [m, m]} lower triangular (the strict upper triangle is ignored), non-zero diagonal
     * @param rhs   {@code [m, k]}, same data type
     * @return a new {@code [m, k]} matrix X, 'f' order
     */
    public static INDArray solveLower(INDArray lower, INDArray rhs) {
        int m = (int) lower.size(0);
        INDArray x = rhs.dup('f');
        for (int j0 = 0; j0 < m; j0 += BLOCK) {
            int j1 = Math.min(m, j0 + BLOCK);
            INDArray xj = x.get(rows(j0, j1), NDArrayIndex.all());
            if (j0 > 0) {
                INDArray update = lower.get(rows(j0, j1), NDArrayIndex.interval(0, j0))
                        .mmul(x.get(rows(0, j0), NDArrayIndex.all()));
                xj.subi(update);
            }
            double[][] block = lower.get(rows(j0, j1), NDArrayIndex.interval(j0, j1)).toDoubleMatrix();
            double[][] r = xj.toDoubleMatrix();
            forward(block, r);
            xj.assign(Nd4j.createFromArray(r).castTo(x.dataType()));
        }
        return x;
    }

    /**
     * Solves {@code Lᵀ X = B}.
     *
     * @param lower {@code [m, m]} lower triangular (the strict upper triangle is ignored), non-zero diagonal
     * @param rhs   {@code [m, k]}, same data type
     * @return a new {@code [m, k]} matrix X, 'f' order
     */
    public static INDArray solveLowerTransposed(INDArray lower, INDArray rhs) {
        int m = (int) lower.size(0);
        INDArray x = rhs.dup('f');
        int lastStart = ((m - 1) / BLOCK) * BLOCK;
        for (int j0 = lastStart; j0 >= 0; j0 -= BLOCK) {
            int j1 = Math.min(m, j0 + BLOCK);
            INDArray xj = x.get(rows(j0, j1), NDArrayIndex.all());
            if (j1 < m) {
                INDArray strip = lower.get(rows(j1, m), NDArrayIndex.interval(j0, j1));
                INDArray update = strip.transpose().mmul(x.get(rows(j1, m), NDArrayIndex.all()));
                xj.subi(update);
            }
            double[][] block = lower.get(rows(j0, j1), NDArrayIndex.interval(j0, j1)).toDoubleMatrix();
            double[][] r = xj.toDoubleMatrix();
            backwardTransposed(block, r);
            xj.assign(Nd4j.createFromArray(r).castTo(x.dataType()));
        }
        return x;
    }

    private static INDArrayIndex rows(int from, int to) {
        return NDArrayIndex.interval(from, to);
    }

    /** In place: r := L⁻¹ r for a small lower-triangular L. */
    static void forward(double[][] l, double[][] r) {
        int n = l.length;
        int k = n == 0 ? 0 : r[0].length;
        for (int i = 0; i < n; i++) {
            double[] li = l[i];
            double[] ri = r[i];
            for (int p = 0; p < i; p++) {
                double c = li[p];
                if (c != 0.0) {
                    double[] rp = r[p];
                    for (int c2 = 0; c2 < k; c2++) {
                        ri[c2] -= c * rp[c2];
                    }
                }
            }
            double d = li[i];
            for (int c2 = 0; c2 < k; c2++) {
                ri[c2] /= d;
            }
        }
    }

    /** In place: r := L⁻ᵀ r for a small lower-triangular L. */
    static void backwardTransposed(double[][] l, double[][] r) {
        int n = l.length;
        int k = n == 0 ? 0 : r[0].length;
        for (int i = n - 1; i >= 0; i--) {
            double[] ri = r[i];
            for (int p = i + 1; p < n; p++) {
                double c = l[p][i];
                if (c != 0.0) {
                    double[] rp = r[p];
                    for (int c2 = 0; c2 < k; c2++) {
                        ri[c2] -= c * rp[c2];
                    }
                }
            }
            double d = l[i][i];
            for (int c2 = 0; c2 < k; c2++) {
                ri[c2] /= d;
            }
        }
    }

    /**
     * @param type the element type of the result
     * @return an empty-safe zero matrix {@code [rows, cols]}
     */
    public static INDArray zeros(DataType type, long rows, long cols) {
        return Nd4j.create(type, new long[] {rows, cols}, 'f');
    }
}
