package org.ntk4j.core.linalg;

/**
 * What the iterative solver's preconditioner ({@link IterativeKernelSolver#preconditionerInfo()}) cost and captured.
 *
 * @param rank          the rank k of the partial Cholesky factor {@code F [n, k]}
 * @param rowsRead      kernel rows read to build it (pivot draws, duplicates dropped)
 * @param residualTrace {@code tr(K − F Fᵀ)}: the part of the kernel's trace it does not capture
 * @param trace         {@code tr(K)}
 * @param bytes         memory it holds ({@code 8·n·k} for {@code F} plus the {@code k × k} Woodbury factor)
 * @param seconds       wall time to build it
 */
public record PreconditionerInfo(int rank, long rowsRead, double residualTrace, double trace, long bytes,
                                 double seconds) {
}
