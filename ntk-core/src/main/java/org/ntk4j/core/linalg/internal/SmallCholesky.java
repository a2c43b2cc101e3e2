package org.ntk4j.core.linalg.internal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The dense kernels of one block of pivots ({@code ≤ 128 × 128}) in {@link PivotedCholeskyPreconditioner}. */
final class SmallCholesky {
    private SmallCholesky() {
    }

    /**
     * Greedy pivoted Cholesky of a small PSD matrix: rows of {@code L} for the accepted pivots, in pivot order.
     *
     * @param a   the matrix (overwritten)
     * @param eps smallest accepted pivot
     * @param piv receives the accepted pivots' indices
     * @return {@code L [m, m]}, lower triangular, with {@code a[piv][piv] = L Lᵀ}
     */
    static double[][] pivoted(double[][] a, double eps, int[] piv) {
        int b = a.length;
        double[] diag = new double[b];
        for (int i = 0; i < b; i++) {
            diag[i] = a[i][i];
        }
        double[][] cols = new double[b][];      // column j of L over all b indices
        int m = 0;
        boolean[] used = new boolean[b];
        while (m < b) {
            int j = -1;
            double best = eps;
            for (int i = 0; i < b; i++) {
                if (!used[i] && diag[i] > best) {
                    best = diag[i];
                    j = i;
                }
            }
            if (j < 0) {
                break;
            }
            double[] col = new double[b];
            double inv = 1 / Math.sqrt(diag[j]);
            for (int i = 0; i < b; i++) {
                double v = a[i][j];
                for (int t = 0; t < m; t++) {
                    v -= cols[t][i] * cols[t][j];
                }
                col[i] = v * inv;
            }
            used[j] = true;
            for (int i = 0; i < b; i++) {
                diag[i] = used[i] ? 0 : diag[i] - col[i] * col[i];
            }
            piv[m] = j;
            cols[m++] = col;
        }
        double[][] l = new double[m][m];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c <= r; c++) {
                l[r][c] = cols[c][piv[r]];
            }
        }
        return l;
    }

    /** The inverse of a lower-triangular matrix, as an ND4J DOUBLE array. */
    static INDArray lowerInverse(double[][] l) {
        int m = l.length;
        double[][] inv = new double[m][m];
        for (int c = 0; c < m; c++) {
            inv[c][c] = 1 / l[c][c];
            for (int r = c + 1; r < m; r++) {
                double s = 0;
                for (int t = c; t < r; t++) {
                    s += l[r][t] * inv[t][c];
                }
                inv[r][c] = -s / l[r][r];
            }
        }
        return Nd4j.createFromArray(inv);
    }
}
