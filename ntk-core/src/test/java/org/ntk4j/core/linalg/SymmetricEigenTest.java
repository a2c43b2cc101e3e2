package org.ntk4j.core.linalg;

import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.testing.NtkTestBase;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntk4j.core.testing.NtkAssertions.assertBitIdentical;
import static org.ntk4j.core.testing.NtkAssertions.assertClose;

/** Contract tests of {@link SymmetricEigen}: golden 2 × 2, agreement with Commons Math, matrix functions, edge cases. */
class SymmetricEigenTest extends NtkTestBase {

    @Test
    void goldenTwoByTwo() {
        // [[2, 1], [1, 2]]: eigenvalues 1 (vector (1, -1)/√2) and 3 (vector (1, 1)/√2)
        SymmetricEigen e = SymmetricEigen.of(Nd4j.createFromArray(new double[][] {{2, 1}, {1, 2}}));
        assertClose(Nd4j.createFromArray(1.0, 3.0), e.eigenvalues(), 1e-15, "λ");
        INDArray v1 = e.eigenvectors().getColumn(1);
        assertEquals(1.0, Math.abs(v1.getDouble(0) + v1.getDouble(1)) / Math.sqrt(2), 1e-14);
        assertEquals(3.0, e.maxEigenvalue(), 1e-14);
        assertEquals(1.0, e.minEigenvalue(), 1e-14);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void matchesCommonsMathAndReconstructs(DataType type) {
        int m = 60;
        INDArray a = CholeskyFactorTest.spd(type, 11, m).subi(0.5); // indefinite symmetric
        INDArray copy = a.dup();
        SymmetricEigen e = SymmetricEigen.of(a);
        assertBitIdentical(copy, a, "input untouched");
        double[] ref = new EigenDecomposition(CholeskyFactorTest.toCommons(a)).getRealEigenvalues();
        Arrays.sort(ref);
        assertClose(Nd4j.createFromArray(ref), e.eigenvalues().castTo(DataType.DOUBLE), tol(type).exact(), "λ");
        assertClose(Nd4j.createFromArray(ref), SymmetricEigen.eigenvalues(a).castTo(DataType.DOUBLE), tol(type).exact(),
                "λ only");
        INDArray v = e.eigenvectors();
        assertClose(Nd4j.eye(m).castTo(type), v.transpose().mmul(v), tol(type).exact(), "VᵀV");
        assertClose(a, e.matrixFunction(x -> x), tol(type).exact(), "V Λ Vᵀ");
        INDArray b = randn(type, 12, m, 2);
        assertClose(e.matrixFunction(Math::exp).mmul(b), e.applyFunction(Math::exp, b), tol(type).exact(), "f(A) b");
        assertTrue(e.eigenvalues().minNumber().doubleValue() < 0);
        assertEquals(0.0, e.clampedEigenvalues().minNumber().doubleValue());
        assertArrayEquals(new long[] {m}, e.applyFunction(x -> x, b.getColumn(0).dup()).shape());
    }

    @Test
    void emptyMatrix() {
        SymmetricEigen e = SymmetricEigen.of(Nd4j.create(DataType.DOUBLE, 0, 0));
        assertEquals(0, e.size());
        assertEquals(0.0, e.maxEigenvalue());
        assertArrayEquals(new long[] {0, 3}, e.applyFunction(Math::exp, Nd4j.create(DataType.DOUBLE, 0, 3)).shape());
    }

    @Test
    void badInputs() {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(Nd4j.create(DataType.DOUBLE, 2, 3)));
        assertTrue(ex.getMessage().contains("got [2, 3]"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(Nd4j.createFromArray(new double[][] {{1, 5}, {0, 1}})));
        assertTrue(ex.getMessage().contains("not symmetric"), ex.getMessage());
        ex = assertThrows(IllegalArgumentException.class,
                () -> SymmetricEigen.of(Nd4j.createFromArray(new double[][] {{1, 0}, {0, Double.POSITIVE_INFINITY}})));
        assertTrue(ex.getMessage().contains("NaN or infinite"), ex.getMessage());
        SymmetricEigen e = SymmetricEigen.of(Nd4j.eye(2).castTo(DataType.DOUBLE));
        ex = assertThrows(IllegalArgumentException.class, () -> e.applyFunction(x -> x, Nd4j.create(DataType.DOUBLE, 3)));
        assertTrue(ex.getMessage().contains("expected [2] or [2, k], got [3]"), ex.getMessage());
    }
}
