package org.ntk4j.core.linalg;

/**
 * A Cholesky factorization failed: the (regularised) matrix is not numerically positive definite.
 *
 * <p>The message names the failing pivot, the smallest eigenvalue when it was computed, and a diagonal regulariser
 * ({@link #suggestedDiagReg()}) that makes the factorization succeed, e.g.
 * {@code "... is not positive definite (Cholesky failed at pivot 7 of 40; smallest eigenvalue -3.1e-9);
 * add a diagonal regulariser: diagReg(6.2e-9) or larger"}.
 */
public final class NotPositiveDefiniteException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** The 1-based pivot at which LAPACK stopped, or 0 when unknown. */
    private final int pivot;
    /** A diagonal regulariser that should succeed. */
    private final double suggestedDiagReg;

    /**
     * @param message          the full message
     * @param pivot            the 1-based pivot at which LAPACK stopped, or 0 when unknown
     * @param suggestedDiagReg a diagonal regulariser (absolute, added to every diagonal entry) that should succeed
     */
    public NotPositiveDefiniteException(String message, int pivot, double suggestedDiagReg) {
        super(message);
        this.pivot = pivot;
        this.suggestedDiagReg = suggestedDiagReg;
    }

    /** @return the 1-based pivot at which the factorization stopped, 0 when unknown */
    public int pivot() {
        return pivot;
    }

    /** @return an absolute diagonal regulariser that should make the factorization succeed */
    public double suggestedDiagReg() {
        return suggestedDiagReg;
    }
}
