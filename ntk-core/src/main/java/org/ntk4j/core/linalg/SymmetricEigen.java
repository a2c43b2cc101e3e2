package org.ntk4j.core.linalg;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.function.DoubleUnaryOperator;

/**
 * The eigendecomposition {@code A = V diag(λ) Vᵀ} of a real symmetric matrix, computed by ND4J's LAPACK {@code syev}.
 *
 * <p>Eigenvalues are ascending; column {@code j} of {@link #eigenvectors()} belongs to eigenvalue {@code j}; both are in
 * the input's data type (FLOAT or DOUBLE). The record holds its arrays without copying: treat them as read-only.
 * {@link #clampedEigenvalues()} sets the tiny negative eigenvalues that rounding gives a positive semi-definite kernel
 * to 0.
 *
 * <pre>{@code
 * SymmetricEigen e = SymmetricEigen.of(kernel);                 // kernel [m, m]
 * INDArray x = e.applyFunction(l -> Math.exp(-l * t), b);       // e^{-tA} b, b [m] or [m, k]
 * }</pre>
 *
 * @param eigenvalues  {@code [m]} ascending
 * @param eigenvectors {@code [m, m]} orthonormal columns
 */
public record SymmetricEigen(INDArray eigenvalues, INDArray eigenvectors) {

    /**
     * Validates shapes.
     *
     * @param eigenvalues  {@code [m]} ascending
     * @param eigenvectors {@code [m, m]} orthonormal columns
     */
    public SymmetricEigen {
        if (eigenvalues == null || eigenvectors == null || eigenvalues.rank() != 1 || eigenvectors.rank() != 2
                || eigenvectors.size(0) != eigenvalues.size(0) || eigenvectors.size(1) != eigenvalues.size(0)) {
            throw new IllegalArgumentException("expected eigenvalues [m] and eigenvectors [m, m], got "
                    + (eigenvalues == null ? "null" : Arrays.toString(eigenvalues.shape())) + " and "
                    + (eigenvectors == null ? "null" : Arrays.toString(eigenvectors.shape())));
        }
    }

    /**
     * Decomposes a symmetric matrix.
     *
     * @param a symmetric {@code [m, m]}, FLOAT or DOUBLE, finite; not modified (only its lower triangle is read after
     *          the symmetry check)
     * @return eigenvalues and eigenvectors
     * @throws IllegalArgumentException for a non-square, non-symmetric, non-finite or non-floating input
     * @throws ArithmeticException      when LAPACK does not converge
     */
    public static SymmetricEigen of(INDArray a) {
        int m = Matrices.requireSquare(a, "matrix to decompose");
        if (m == 0) {
            return new SymmetricEigen(Nd4j.create(a.dataType(), 0), a.dup('f'));
        }
        Matrices.requireFinite(a, "matrix to decompose");
        Matrices.requireSymmetric(a, Matrices.defaultSymmetryTolerance(a.dataType()), "matrix to decompose");
        INDArray v = a.dup('f');
        INDArray w = Nd4j.create(a.dataType(), m);
        int status = Nd4j.getBlasWrapper().lapack().syev('V', 'L', v, w);
        if (status != 0) {
            throw new ArithmeticException("symmetric eigendecomposition of " + Arrays.toString(a.shape())
                    + " did not converge (LAPACK syev info " + status + ")");
        }
        return new SymmetricEigen(w, v);
    }

    /**
     * Eigenvalues only (cheaper than {@link #of(INDArray)}).
     *
     * @param a symmetric {@code [m, m]}, FLOAT or DOUBLE; not modified
     * @return {@code [m]} ascending
     */
    public static INDArray eigenvalues(INDArray a) {
        int m = Matrices.requireSquare(a, "matrix");
        if (m == 0) {
            return Nd4j.create(a.dataType(), 0);
        }
        Matrices.requireFinite(a, "matrix");
        INDArray v = a.dup('f');
        INDArray w = Nd4j.create(a.dataType(), m);
        int status = Nd4j.getBlasWrapper().lapack().syev('N', 'L', v, w);
        if (status != 0) {
            throw new ArithmeticException("symmetric eigenvalues of " + Arrays.toString(a.shape())
                    + " did not converge (LAPACK syev info " + status + ")");
        }
        return w;
    }

    /** @return m, the order of the matrix */
    public int size() {
        return (int) eigenvalues.size(0);
    }

    /** @return a new array of the eigenvalues with negative values set to 0 */
    public INDArray clampedEigenvalues() {
        return org.nd4j.linalg.ops.transforms.Transforms.max(eigenvalues, 0.0, true);
    }

    /** @return the largest eigenvalue (0 for an empty matrix) */
    public double maxEigenvalue() {
        return size() == 0 ? 0.0 : eigenvalues.getDouble(size() - 1);
    }

    /** @return the smallest eigenvalue (0 for an empty matrix) */
    public double minEigenvalue() {
        return size() == 0 ? 0.0 : eigenvalues.getDouble(0);
    }

    /**
     * Computes {@code V diag(f(λ)) Vᵀ B} without forming the {@code [m, m]} matrix function.
     *
     * @param f a scalar function applied to every eigenvalue as given (clamp first in {@code f} if needed)
     * @param b {@code [m]} or {@code [m, k]}; converted to the decomposition's data type
     * @return a new array of the shape of {@code b}
     */
    public INDArray applyFunction(DoubleUnaryOperator f, INDArray b) {
        INDArray c = coefficients(b);
        if (size() == 0) {
            return expand(c, b.rank() == 1);
        }
        return expand(c.muliColumnVector(functionValues(f)), b.rank() == 1);
    }

    /**
     * @param b {@code [m]} or {@code [m, k]}
     * @return {@code Vᵀ B} as {@code [m, k]} (k = 1 for a vector)
     */
    public INDArray coefficients(INDArray b) {
        int m = size();
        if (b == null || (b.rank() != 1 && b.rank() != 2) || b.size(0) != m) {
            throw new IllegalArgumentException("expected [" + m + "] or [" + m + ", k], got "
                    + (b == null ? "null" : Arrays.toString(b.shape())));
        }
        Matrices.requireFloatingType(b, "right-hand side");
        INDArray bm = (b.rank() == 1 ? b.reshape(m, 1) : b).castTo(eigenvalues.dataType());
        if (m == 0) {
            return Nd4j.create(eigenvalues.dataType(), 0, bm.size(1));
        }
        return eigenvectors.transpose().mmul(bm);
    }

    /**
     * @param coefficients {@code [m, k]} in the eigenbasis (e.g. scaled {@link #coefficients(INDArray)})
     * @param asVector     return {@code [m]} (k must be 1)
     * @return {@code V · coefficients}
     */
    public INDArray expand(INDArray coefficients, boolean asVector) {
        int m = size();
        INDArray out = m == 0 ? Nd4j.create(eigenvalues.dataType(), 0, coefficients.size(1))
                : eigenvectors.mmul(coefficients);
        return asVector ? out.reshape(m) : out;
    }

    /**
     * @param f scalar function
     * @return {@code [m, 1]} column of {@code f(λ_j)} in the decomposition's data type
     */
    public INDArray functionValues(DoubleUnaryOperator f) {
        int m = size();
        double[] fv = new double[m];
        double[] lam = eigenvalues.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector();
        for (int j = 0; j < m; j++) {
            fv[j] = f.applyAsDouble(lam[j]);
        }
        return Nd4j.createFromArray(fv).reshape(m, 1).castTo(eigenvalues.dataType());
    }

    /**
     * @param f scalar function
     * @return the matrix function {@code V diag(f(λ)) Vᵀ} {@code [m, m]}
     */
    public INDArray matrixFunction(DoubleUnaryOperator f) {
        int m = size();
        if (m == 0) {
            return Nd4j.create(eigenvalues.dataType(), 0, 0);
        }
        return eigenvectors.mulRowVector(functionValues(f).reshape(m)).mmul(eigenvectors.transpose());
    }
}
