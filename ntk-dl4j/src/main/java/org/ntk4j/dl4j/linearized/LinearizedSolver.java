package org.ntk4j.dl4j.linearized;

/**
 * How {@link LinearizedNetwork} solves {@code (Θ + diagReg·I) α = f0 − y} for the outputs at convergence.
 */
public enum LinearizedSolver {
    /** {@link #DENSE} when its factorizations fit in the memory budget, {@link #ITERATIVE} otherwise (the default). */
    AUTO,
    /**
     * Cholesky factorization in double precision ({@code m²} doubles, {@code m = n·o}); finite steps and times by one
     * eigendecomposition of Θ.
     */
    DENSE,
    /**
     * Preconditioned conjugate gradients in double precision on the kernel held as computed
     * ({@link org.ntk4j.core.linalg.IterativeKernelSolver}): no {@code m²} double copy; outputs at convergence only
     * (finite steps and times are refused with a message).
     */
    ITERATIVE
}
