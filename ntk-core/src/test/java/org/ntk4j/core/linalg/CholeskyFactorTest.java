package org.ntk4j.core.linalg;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.testing.NtkTestBase;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertBitIdentical;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/** Contract tests of {@link CholeskyFactor}: golden 2 × 2, agreement with Commons Math, degenerate and bad inputs. */
class CholeskyFactorTest extends NtkTestBase {

    /** A well-conditioned SPD matrix G Gᵀ / m + I. */
    static INDArray spd(DataType type, long seed, int m) {
        INDArray g = randn(DataType.DOUBLE, seed, m, m);
        return g.mmul(g.transpose()).divi(m).addi(Nd4j.eye(m).castTo(DataType.DOUBLE)).castTo(type);
    }

    static RealMatrix toCommons(INDArray a) {
        return new Array2DRowRealMatrix(a.castTo(DataType.DOUBLE).toDoubleMatrix());
    }

    @Test
    void goldenTwoByTwo() {
        // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]] (by hand: 2² = 4, 2·1 = 2, 1 + 2 = 3)
        INDArray a = Nd4j.createFromArray(new double[][] {{4, 2}, {2, 3}});
        CholeskyFactor c = CholeskyFactor.of(a);
        assertClose(Nd4j.createFromArray(new double[][] {{2, 0}, {1, Math.sqrt(2)}}), c.lower(), 1e-15, "L");
        // solve [[4,2],[2,3]] x = [2, 1]: x = [0.5, 0] (4·0.5 = 2, 2·0.5 = 1)
        assertClose(Nd4j.createFromArray(0.5, 0.0), c.solve(Nd4j.createFromArray(2.0, 1.0)), 1e-15, "x");
        assertEquals(Math.log(8.0), c.logDeterminant(), 1e-14);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void matchesCommonsMathAcrossBlocks(DataType type) {
        int m = 300; // more than two diagonal blocks of the blocked solver
        INDArray a = spd(type, 1, m);
        INDArray copy = a.dup();
        INDArray b = randn(type, 2, m, 3);
        CholeskyFactor c = CholeskyFactor.of(a);
        assertBitIdentical(copy, a, "input untouched");
        RealMatrix ref = new CholeskyDecomposition(toCommons(a), 1e-12, 1e-14).getSolver().solve(toCommons(b));
        assertClose(Nd4j.createFromArray(ref.getData()), c.solve(b).castTo(DataType.DOUBLE), tol(type).exact(), "X");
        INDArray l = c.lower();
        assertEquals(type, l.dataType());
        assertClose(a, l.mmul(l.transpose()), tol(type).exact(), "L Lᵀ");
        assertEquals(0.0, l.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(1, m)).norm2Number().doubleValue(), 0.0, "upper triangle");
        // vector right-hand side keeps its shape
        INDArray bv = b.getColumn(0).dup();
        INDArray xv = c.solve(bv);
        assertArrayEquals(new long[] {m}, xv.shape());
        assertClose(Nd4j.createFromArray(ref.getColumn(0)), xv.castTo(DataType.DOUBLE), tol(type).exact(), "x");
        assertEquals(new CholeskyDecomposition(toCommons(a)).getDeterminant(), Math.exp(c.logDeterminant()),
                1e-3 * Math.exp(c.logDeterminant()));
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void manyRightHandSidesUseBlockedSolveAndAgree(DataType type) {
        int m = 300;
        INDArray a = spd(type, 13, m);
        INDArray b = randn(type, 14, m, 20); // more columns than the in-place substitution takes
        RealMatrix ref = new CholeskyDecomposition(toCommons(a), 1e-12, 1e-14).getSolver().solve(toCommons(b));
        INDArray x = CholeskyFactor.of(a).solve(b);
        assertClose(Nd4j.createFromArray(ref.getData()), x.castTo(DataType.DOUBLE), tol(type).exact(), "X");
        // column by column (in-place substitution) gives the same
        INDArray x3 = CholeskyFactor.of(a).solve(b.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)));
        assertClose(x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 3)),
                x3, tol(type).exact(), "direct vs blocked");
    }

    @Test
    void largeMatrixSymmetryIsCheckedByProbes() {
        int m = 1100; // above the exact-check limit
        INDArray a = Nd4j.eye(m).castTo(DataType.DOUBLE).muli(2);
        a.putScalar(5, 900, 1.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CholeskyFactor.of(a));
        assertTrue(e.getMessage().contains("not symmetric"), e.getMessage());
        a.putScalar(900, 5, 1.0);
        assertEquals(m, CholeskyFactor.of(a).size());
    }

    @Test
    void diagonalRegulariserIsAdded() {
        INDArray a = spd(DataType.DOUBLE, 3, 40);
        INDArray b = randn(DataType.DOUBLE, 4, 40, 2);
        INDArray reg = a.add(Nd4j.eye(40).castTo(DataType.DOUBLE).muli(0.5));
        assertClose(CholeskyFactor.of(reg).solve(b), CholeskyFactor.of(a, 0.5).solve(b), 1e-12, "(A + 0.5 I)⁻¹ b");
        assertEquals(0.5, CholeskyFactor.of(a, 0.5).diagReg());
    }

    @Test
    void emptyAndOneByOne() {
        CholeskyFactor e = CholeskyFactor.of(Nd4j.create(DataType.DOUBLE, 0, 0));
        assertEquals(0, e.size());
        assertArrayEquals(new long[] {0, 2}, e.solve(Nd4j.create(DataType.DOUBLE, 0, 2)).shape());
        assertEquals(0.0, e.logDeterminant());
        CholeskyFactor one = CholeskyFactor.of(Nd4j.createFromArray(new double[][] {{4}}));
        assertEquals(1.5, one.solve(Nd4j.createFromArray(6.0)).getDouble(0), 1e-15);
    }

    @Test
    void indefiniteMatrixNamesPivotAndRegulariser() {
        // eigenvalues 3 and -1
        INDArray a = Nd4j.createFromArray(new double[][] {{1, 2}, {2, 1}});
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class, () -> CholeskyFactor.of(a));
        assertEquals(2, e.pivot());
        assertTrue(e.getMessage().contains("not positive definite"), e.getMessage());
        assertTrue(e.getMessage().contains("diagReg("), e.getMessage());
        assertTrue(e.getMessage().contains("smallest eigenvalue -1"), e.getMessage());
        assertTrue(e.suggestedDiagReg() > 1.0);
        CholeskyFactor.of(a, e.suggestedDiagReg()); // the suggestion works
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void singularPsdKernelSuggestionWorks(DataType type) {
        // rank 3 Gram matrix of 20 points: PSD but singular
        INDArray j = randn(DataType.DOUBLE, 5, 20, 3);
        INDArray k = j.mmul(j.transpose()).castTo(type);
        NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class, () -> CholeskyFactor.of(k));
        INDArray b = randn(type, 6, 20, 1);
        INDArray x = CholeskyFactor.of(k, e.suggestedDiagReg()).solve(b);
        assertTrue(Double.isFinite(x.sumNumber().doubleValue()));
    }

    @Test
    void badInputsHaveClearMessages() {
        IllegalArgumentException e;
        e = assertThrows(IllegalArgumentException.class, () -> CholeskyFactor.of(Nd4j.create(DataType.DOUBLE, 3, 4)));
        assertTrue(e.getMessage().contains("square matrix [m, m], got [3, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CholeskyFactor.of(Nd4j.create(DataType.DOUBLE, 3)));
        assertTrue(e.getMessage().contains("rank 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CholeskyFactor.of(Nd4j.createFromArray(new double[][] {{2, 1}, {0, 2}})));
        assertTrue(e.getMessage().contains("not symmetric"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CholeskyFactor.of(Nd4j.createFromArray(new double[][] {{2, Double.NaN}, {Double.NaN, 2}})));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CholeskyFactor.of(Nd4j.createFromArray(new int[][] {{2, 0}, {0, 2}})));
        assertTrue(e.getMessage().contains("FLOAT or DOUBLE"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> CholeskyFactor.of(Nd4j.eye(2), -1.0));
        assertTrue(e.getMessage().contains("(got: -1.0)"), e.getMessage());
        CholeskyFactor c = CholeskyFactor.of(Nd4j.eye(3).castTo(DataType.DOUBLE));
        e = assertThrows(IllegalArgumentException.class, () -> c.solve(Nd4j.create(DataType.DOUBLE, 4, 1)));
        assertTrue(e.getMessage().contains("[3] or [3, k], got [4, 1]"), e.getMessage());
    }
}
