package org.ntk4j.core.testing;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Assertions on arrays, with relative errors measured in the Frobenius norm, in DOUBLE. */
public final class NtkAssertions {
    private NtkAssertions() {
    }

    /**
     * @return ‖actual − expected‖_F / max(‖expected‖_F, tiny), computed in DOUBLE
     */
    public static double relativeError(INDArray actual, INDArray expected) {
        assertArrayEquals(expected.shape(), actual.shape(), "shape");
        INDArray a = actual.castTo(DataType.DOUBLE);
        INDArray e = expected.castTo(DataType.DOUBLE);
        double den = e.norm2Number().doubleValue();
        double num = a.sub(e).norm2Number().doubleValue();
        return num / Math.max(den, 1e-300);
    }

    /** Asserts a relative Frobenius error of at most {@code tol}. */
    public static void assertClose(INDArray expected, INDArray actual, double tol, String what) {
        double err = relativeError(actual, expected);
        if (!(err <= tol)) {
            fail(what + ": relative error " + err + " > " + tol + "\nexpected " + head(expected) + "\nactual   " + head(actual));
        }
    }

    /** Asserts that a square matrix is symmetric to the relative tolerance. */
    public static void assertSymmetric(INDArray m, double tol, String what) {
        assertClose(m, m.transpose(), tol, what + " symmetry");
    }

    /** Asserts that a symmetric matrix has no eigenvalue below {@code -tol · λmax}. */
    public static void assertPsd(INDArray m, double tol, String what) {
        INDArray c = m.castTo(DataType.DOUBLE);
        INDArray d = c.add(c.transpose().dup()).divi(2);
        INDArray ev = org.nd4j.linalg.eigen.Eigen.symmetricGeneralizedEigenvalues(d, true);
        double min = ev.minNumber().doubleValue();
        double max = Math.max(Math.abs(ev.maxNumber().doubleValue()), 1e-300);
        assertTrue(min >= -tol * max, what + ": not PSD, λmin = " + min + ", λmax = " + max);
    }

    /** Asserts bit-identical arrays (same type, shape and every element). */
    public static void assertBitIdentical(INDArray expected, INDArray actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + " shape");
        if (expected.dataType() != actual.dataType() || !expected.equalsWithEps(actual, 0.0)) {
            fail(what + ": arrays differ");
        }
        double[] a = expected.castTo(DataType.DOUBLE).data().asDouble();
        double[] b = actual.castTo(DataType.DOUBLE).data().asDouble();
        if (!Arrays.equals(a, b) && expected.length() == a.length) {
            fail(what + ": arrays differ bitwise");
        }
    }

    private static String head(INDArray a) {
        INDArray flat = a.reshape(a.length());
        long n = Math.min(6, flat.length());
        return flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n)).toString().replace('\n', ' ');
    }

    /** @return a copy of {@code a} in DOUBLE */
    public static INDArray asDouble(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup();
    }

    /** @return a fresh Nd4j random array [rows, cols] with entries N(0,1) in the given type */
    public static INDArray gaussian(DataType type, long seed, long... shape) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed).nextGaussian(shape).castTo(type);
    }
}
