package org.ntk4j.core.predict.internal;

import org.nd4j.linalg.api.buffer.DataType;
import org.ntk4j.core.kernel.MemoryBudget;

/** Whether the dense factorizations of an {@code m × m} training kernel fit a memory budget, and the refusal when not. */
public final class DenseBudget {
    private DenseBudget() {
    }

    /**
     * @param m      the kernel's size
     * @param copies dense {@code m × m} double matrices of work
     * @return their bytes
     */
    public static long bytes(long m, int copies) {
        return MemoryBudget.bytes(DataType.DOUBLE, copies, m, m);
    }

    /**
     * Refuses a finite-time prediction whose eigendecomposition (3 dense matrices) exceeds the budget.
     *
     * @param budget the budget
     * @param who    the class, e.g. {@code "GradientDescentMse"}
     * @param m      the kernel's size
     * @throws org.ntk4j.core.kernel.MemoryBudgetExceededException naming {@code who} and what is not supported
     */
    public static void requireEigenFits(MemoryBudget budget, String who, long m) {
        budget.check(who + " at a finite time or step count (the eigendecomposition of the " + m + " x " + m
                + " training kernel)", bytes(m, 3), "finite-time predictions beyond memory are not supported (no "
                + "Lanczos or Chebyshev approximation of exp(-c·Θ·t) is implemented); predict at convergence (solved by "
                + "conjugate gradients when the Cholesky factorization does not fit), use fewer training examples, or "
                + "raise the memory budget");
    }
}
