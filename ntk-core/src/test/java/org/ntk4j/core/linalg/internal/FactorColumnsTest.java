package org.ntk4j.core.linalg.internal;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FactorColumns} (the preconditioner's factor in column slabs) against the same products on one dense
 * {@code [n, k]} matrix, with appended blocks that straddle slab boundaries, and its memory following the columns
 * appended rather than the cap; the weighted Gram matrix of the Woodbury factor against a loop.
 */
class FactorColumnsTest extends NtkTestBase {

    private static double maxDiff(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    @Test
    void slabbedProductsEqualTheDenseOnes() {
        int n = 9, cap = 4;                                  // slabs of 4 columns; blocks of 3, 2, 4 and 1
        INDArray dense = randn(DataType.DOUBLE, 1, n, 10).dup('f');
        try (FactorColumns f = new FactorColumns(n, cap)) {
            int[] blocks = {3, 2, 4, 1};
            int k = 0;
            for (int m : blocks) {
                f.append(dense.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(k, k + m)).dup('f'));
                k += m;
                assertEquals(k, f.columns());
                assertEquals(8L * n * cap * ((k + cap - 1) / cap), f.bytes(), "slabs allocated after " + k);
            }
            INDArray u = randn(DataType.DOUBLE, 2, n, 1);
            INDArray z = randn(DataType.DOUBLE, 3, k, 1);
            assertTrue(maxDiff(dense.transpose().mmul(u), f.transposeTimes(u)) < 1e-14);
            assertTrue(maxDiff(dense.mmul(z), f.times(z)) < 1e-14);
            // Fᵀ diag(w) F by row chunks of 4 (the last one of 1 row), slabs of 4, 4 and 2 columns: the blocks on and
            // below the diagonal against a loop in double, the blocks above it zero
            double[] w = randn(DataType.DOUBLE, 6, n, 1).toDoubleVector();
            double[][] d = dense.toDoubleMatrix();
            INDArray gram = f.weightedGramLower(w, 4);
            assertEquals('f', gram.ordering());
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    double ref = 0;
                    for (int r = 0; r < n; r++) {
                        ref += d[r][i] * w[r] * d[r][j];
                    }
                    double expect = i / cap >= j / cap ? ref : 0;
                    assertEquals(expect, gram.getDouble(i, j), 1e-13, "entry " + i + ", " + j);
                }
            }
            int[] pick = {7, 0, 4};
            INDArray g = randn(DataType.DOUBLE, 4, n, 3).dup('f');
            INDArray expected = g.dup();
            for (int j = 0; j < pick.length; j++) {
                expected.getColumn(j).subi(dense.mmul(dense.getRow(pick[j]).reshape(k, 1)).reshape(n));
            }
            f.subtractProjection(g, pick);
            assertTrue(maxDiff(expected, g) < 1e-13);
        }
    }

    @Test
    void memoryFollowsTheColumnsAppendedNotTheCap() {
        int n = 50;
        try (FactorColumns f = new FactorColumns(n, 5000)) {
            assertEquals(0, f.bytes());
            f.append(randn(DataType.DOUBLE, 5, n, 128).dup('f'));
            // one slab of 1024 columns, not 5000
            assertEquals(8L * n * FactorColumns.SLAB, f.bytes());
            assertEquals(8L * n * 5 * FactorColumns.SLAB, FactorColumns.bytes(n, 5000));
            assertEquals(8L * n * 100, FactorColumns.bytes(n, 100));
        }
    }
}
