package org.ntk4j.core.linalg;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Validation and small utilities for the dense matrices of ntk4j's linear algebra: shape, element type, finiteness,
 * symmetry.
 *
 * <p>Every check throws an {@link IllegalArgumentException} whose message names what was expected and what was given,
 * e.g. {@code "kernel must be a square matrix [m, m], got [3, 4]"}. No method modifies its argument.
 */
public final class Matrices {
    private Matrices() {
    }

    /**
     * Requires a square rank-2 matrix of a floating-point type supported by LAPACK (FLOAT or DOUBLE).
     *
     * @param a    the matrix
     * @param what its name in messages
     * @return {@code m}, the number of rows and columns
     */
    public static int requireSquare(INDArray a, String what) {
        requireFloatingMatrix(a, what);
        if (a.size(0) != a.size(1)) {
            throw new IllegalArgumentException(what + " must be a square matrix [m, m], got " + Arrays.toString(a.shape()));
        }
        if (a.size(0) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " has " + a.size(0) + " rows; LAPACK supports at most "
                    + Integer.MAX_VALUE);
        }
        return (int) a.size(0);
    }

    /**
     * Requires a rank-2 FLOAT or DOUBLE matrix.
     *
     * @param a    the matrix
     * @param what its name in messages
     */
    public static void requireFloatingMatrix(INDArray a, String what) {
        if (a == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (a.rank() != 2) {
            throw new IllegalArgumentException(what + " must be a matrix (rank 2), got shape " + Arrays.toString(a.shape()));
        }
        requireFloatingType(a, what);
    }

    /**
     * Requires FLOAT or DOUBLE elements.
     *
     * @param a    the array
     * @param what its name in messages
     */
    public static void requireFloatingType(INDArray a, String what) {
        DataType t = a.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            throw new IllegalArgumentException(what + " must be FLOAT or DOUBLE, got " + t
                    + "; convert it with castTo(DataType.DOUBLE)");
        }
    }

    /**
     * Requires every element to be finite.
     *
     * @param a    the array
     * @param what its name in messages
     */
    public static void requireFinite(INDArray a, String what) {
        if (a.isEmpty() || a.length() == 0) {
            return;
        }
        double s = a.sumNumber().doubleValue();
        if (!Double.isFinite(s)) {
            // the sum can also overflow; look at the elements before blaming them
            boolean bad = a.isNaN().any() || a.isInfinite().any();
            if (bad) {
                throw new IllegalArgumentException(what + " contains NaN or infinite values");
            }
        }
    }

    /**
     * Requires {@code ‖A − Aᵀ‖_F ≤ relTol · ‖A‖_F}.
     *
     * @param a      a square matrix
     * @param relTol relative tolerance, e.g. {@link #defaultSymmetryTolerance(DataType)}
     * @param what   its name in messages
     */
    public static void requireSymmetric(INDArray a, double relTol, String what) {
        double err = asymmetry(a);
        if (!(err <= relTol)) {
            throw new IllegalArgumentException(what + " is not symmetric: ‖A − Aᵀ‖/‖A‖ = " + err + " > " + relTol
                    + "; symmetrize it with Matrices.symmetrize(a)");
        }
    }

    /**
     * @param a a square matrix
     * @return {@code ‖A − Aᵀ‖_F / ‖A‖_F} (0 for a zero or empty matrix); above order 1024 a randomized estimate
     *         from four matrix-vector products (deterministic seed), accurate to a small factor
     */
    public static double asymmetry(INDArray a) {
        if (a.length() == 0) {
            return 0.0;
        }
        double norm = a.norm2Number().doubleValue();
        if (norm == 0.0) {
            return 0.0;
        }
        if (a.size(0) <= EXACT_ASYMMETRY_LIMIT) {
            return a.sub(a.transpose()).norm2Number().doubleValue() / norm;
        }
        // two matrix-vector products instead of an m×m temporary: for v with independent N(0, 1) entries,
        // E‖(A − Aᵀ) v‖² = ‖A − Aᵀ‖²_F, so the ratio estimates the same quantity (two probes, the larger kept)
        java.util.Random rnd = new java.util.Random(0x5eedL);
        int m = (int) a.size(0);
        double worst = 0.0;
        for (int probe = 0; probe < 2; probe++) {
            double[] v = new double[m];
            for (int i = 0; i < m; i++) {
                v[i] = rnd.nextGaussian();
            }
            INDArray vv = org.nd4j.linalg.factory.Nd4j.createFromArray(v).castTo(a.dataType()).reshape(m, 1);
            double d = a.mmul(vv).subi(a.transpose().mmul(vv)).norm2Number().doubleValue();
            worst = Math.max(worst, d);
        }
        return worst / norm;
    }

    /** Above this order {@link #asymmetry(INDArray)} is estimated with random probes. */
    static final int EXACT_ASYMMETRY_LIMIT = 1024;

    /**
     * @param a a square matrix
     * @return a new matrix {@code (A + Aᵀ) / 2}
     */
    public static INDArray symmetrize(INDArray a) {
        return a.add(a.transpose()).muli(0.5);
    }

    /**
     * The symmetry tolerance used by default by {@link CholeskyFactor} and {@link SymmetricEigen}: rounding of a kernel
     * assembled as {@code J Jᵀ} stays far below it.
     *
     * @param type FLOAT or DOUBLE
     * @return {@code 1e-4} for FLOAT, {@code 1e-8} for DOUBLE
     */
    public static double defaultSymmetryTolerance(DataType type) {
        return type == DataType.FLOAT ? 1e-4 : 1e-8;
    }

    /**
     * @param a a square matrix
     * @return the mean of its diagonal (0 for an empty matrix)
     */
    public static double meanDiagonal(INDArray a) {
        long m = a.size(0);
        if (m == 0) {
            return 0.0;
        }
        return org.nd4j.linalg.factory.Nd4j.diag(a).sumNumber().doubleValue() / m;
    }
}
