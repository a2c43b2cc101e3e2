package org.ntk4j.core.linalg;

import org.nd4j.linalg.api.blas.BlasException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.core.linalg.internal.BlockedTriangularSolver;
import org.ntk4j.core.linalg.internal.DirectSubstitution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.Locale;

/**
 * The Cholesky factorization {@code A + r·I = L Lᵀ} of a symmetric positive definite matrix, computed by ND4J's LAPACK
 * {@code potrf}, and the solves it enables ({@code potrs} style: forward then back substitution).
 *
 * <p>Immutable; the factor is kept in the data type of the input (FLOAT or DOUBLE). {@code r} is the optional absolute
 * diagonal regulariser ("diag_reg"). When the factorization fails, a {@link NotPositiveDefiniteException} says at
 * which pivot and which {@code diagReg} to use instead.
 *
 * <pre>{@code
 * CholeskyFactor chol = CholeskyFactor.of(kernel, 1e-8);   // kernel [m, m]
 * INDArray alpha = chol.solve(targets);                     // targets [m] or [m, k]
 * }</pre>
 */
public final class CholeskyFactor {
    private static final Logger LOG = LoggerFactory.getLogger(CholeskyFactor.class);
    /** Above this size the failure message does not compute the smallest eigenvalue (it would cost more than potrf). */
    private static final int EIGEN_DIAGNOSIS_LIMIT = 2000;
    /** Up to this many right-hand sides, substitution reads the factor in place (memory-bound, no GEMM). */
    static final int DIRECT_MAX_COLUMNS = 8;

    private final INDArray lower;
    private final double diagReg;

    private CholeskyFactor(INDArray lower, double diagReg) {
        this.lower = lower;
        this.diagReg = diagReg;
    }

    /**
     * Factorizes {@code a} without regulariser.
     *
     * @param a symmetric positive definite {@code [m, m]}, FLOAT or DOUBLE; not modified
     * @return the factorization
     * @throws NotPositiveDefiniteException when {@code a} is not numerically positive definite
     * @throws IllegalArgumentException     for a non-square, non-symmetric, non-finite or non-floating input
     */
    public static CholeskyFactor of(INDArray a) {
        return of(a, 0.0);
    }

    /**
     * Factorizes {@code a + diagReg·I}.
     *
     * @param a       symmetric positive (semi-)definite {@code [m, m]}, FLOAT or DOUBLE; not modified
     * @param diagReg absolute diagonal regulariser, ≥ 0
     * @return the factorization
     * @throws NotPositiveDefiniteException when {@code a + diagReg·I} is not numerically positive definite
     */
    public static CholeskyFactor of(INDArray a, double diagReg) {
        int m = Matrices.requireSquare(a, "matrix to factorize");
        if (!(diagReg >= 0.0) || Double.isInfinite(diagReg)) {
            throw new IllegalArgumentException("diagReg must be finite and >= 0 (got: " + diagReg + ")");
        }
        if (m == 0) {
            return new CholeskyFactor(a.dup('f'), diagReg);
        }
        Matrices.requireFinite(a, "matrix to factorize");
        Matrices.requireSymmetric(a, Matrices.defaultSymmetryTolerance(a.dataType()), "matrix to factorize");
        INDArray work = a.dup('f');
        if (diagReg > 0.0) {
            INDArray d = Nd4j.diag(work).addi(diagReg);
            for (int i = 0; i < m; i++) {
                // diagonal update without an m×m temporary
                work.putScalar(i, i, d.getDouble(i));
            }
        }
        try {
            Nd4j.getBlasWrapper().lapack().potrf(work, true);
        } catch (BlasException e) {
            throw notPositiveDefinite(a, diagReg, e.getErrorCode());
        } catch (Error e) {
            // other backends report through java.lang.Error with the pivot in the message
            if (e.getMessage() != null && e.getMessage().contains("positive definite")) {
                throw notPositiveDefinite(a, diagReg, 0);
            }
            throw e;
        }
        INDArray diag = Nd4j.diag(work);
        double minPivot = diag.minNumber().doubleValue();
        if (!(minPivot > 0.0) || !Double.isFinite(diag.sumNumber().doubleValue())) {
            throw notPositiveDefinite(a, diagReg, 0);
        }
        return new CholeskyFactor(work, diagReg);
    }

    private static NotPositiveDefiniteException notPositiveDefinite(INDArray a, double diagReg, int pivot) {
        int m = (int) a.size(0);
        double meanDiag = Matrices.meanDiagonal(a);
        double eps = a.dataType() == org.nd4j.linalg.api.buffer.DataType.FLOAT ? 1e-5 : 1e-10;
        double floor = Math.max(Math.abs(meanDiag), Double.MIN_NORMAL) * eps;
        String eigenPart = "";
        double suggestion;
        if (m <= EIGEN_DIAGNOSIS_LIMIT) {
            double lmin = SymmetricEigen.eigenvalues(Matrices.symmetrize(a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)))
                    .minNumber().doubleValue();
            eigenPart = String.format(Locale.ROOT, "; smallest eigenvalue %.3g", lmin);
            suggestion = Math.max(2.0 * Math.max(-lmin, 0.0), floor * 100);
        } else {
            suggestion = floor * 1000;
        }
        suggestion = Math.max(suggestion, 2.0 * diagReg);
        String msg = String.format(Locale.ROOT,
                "matrix %s is not positive definite%s (Cholesky failed%s%s); add a diagonal regulariser: "
                        + "diagReg(%.3g) or larger (mean diagonal %.3g)",
                Arrays.toString(a.shape()), diagReg > 0 ? " even with diagReg " + diagReg : "",
                pivot > 0 ? " at pivot " + pivot + " of " + m : "", eigenPart, suggestion, meanDiag);
        LOG.debug(msg);
        return new NotPositiveDefiniteException(msg, pivot, suggestion);
    }

    /** @return m, the order of the factorized matrix */
    public int size() {
        return (int) lower.size(0);
    }

    /** @return the absolute diagonal regulariser that was added before factorizing */
    public double diagReg() {
        return diagReg;
    }

    /** @return a copy of the lower-triangular factor L {@code [m, m]} (strict upper triangle zero) */
    public INDArray lower() {
        return lower.dup();
    }

    /**
     * Solves {@code (A + r·I) X = B}.
     *
     * @param b {@code [m]} or {@code [m, k]}; converted to the factor's data type
     * @return a new array of the shape of {@code b}
     */
    public INDArray solve(INDArray b) {
        int m = size();
        if (b == null || (b.rank() != 1 && b.rank() != 2) || b.size(0) != m) {
            throw new IllegalArgumentException("right-hand side must be [" + m + "] or [" + m + ", k], got "
                    + (b == null ? "null" : Arrays.toString(b.shape())));
        }
        Matrices.requireFloatingType(b, "right-hand side");
        boolean vector = b.rank() == 1;
        INDArray rhs = vector ? b.reshape(m, 1) : b;
        rhs = rhs.castTo(lower.dataType());
        INDArray x;
        if (m == 0 || rhs.size(1) == 0) {
            x = BlockedTriangularSolver.zeros(lower.dataType(), m, rhs.size(1));
        } else if (rhs.size(1) <= DIRECT_MAX_COLUMNS && DirectSubstitution.supports(lower)) {
            x = DirectSubstitution.solve(lower, rhs);
        } else {
            INDArray y = BlockedTriangularSolver.solveLower(lower, rhs);
            x = BlockedTriangularSolver.solveLowerTransposed(lower, y);
        }
        return vector ? x.reshape(m) : x;
    }

    /** @return {@code log det(A + r·I) = 2 Σ log L_ii} */
    public double logDeterminant() {
        return size() == 0 ? 0.0 : 2.0 * sumLog(Nd4j.diag(lower));
    }

    private static double sumLog(INDArray d) {
        double s = 0;
        for (double v : d.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector()) {
            s += Math.log(v);
        }
        return s;
    }
}
