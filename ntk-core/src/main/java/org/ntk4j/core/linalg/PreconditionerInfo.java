package org.ntk4j.core.linalg;

/**
 * What the iterative solver's preconditioner ({@link IterativeKernelSolver#preconditionerInfo()}) cost and captured.
 *
 * @param rank          the rank k of the partial Cholesky factor {@code F [n, k]}
 * @param rowsRead      kernel rows read to build it (pivot draws, duplicates dropped)
 * @param residualTrace {@code tr(K − F Fᵀ)}: the part of the kernel's trace it does not capture
 * @param trace         {@code tr(K)}
 * @param bytes         memory it holds ({@code 8·n·k} for {@code F}, {@code 8·k²} for the Woodbury factor, {@code 8·n} for the diagonal)
 * @param seconds       wall time to build it
 * @param stopReason    why the rank stopped growing: {@code "rank cap"}, {@code "rank n"}, {@code "kernel exhausted"},
 *                      {@code "residual trace <= 2 diagReg"} or {@code "block nu <= t"} (the adaptive stop)
 * @param lastBlockNu   ν of the last block of pivots (see {@link IterativeKernelSolver.Builder#adaptiveStop}); NaN
 *                      when none was added
 * @param rankCap       the largest rank allowed ({@link IterativeKernelSolver#rankCap()}: the explicit rank, or the
 *                      largest that fits the memory budget)
 */
public record PreconditionerInfo(int rank, long rowsRead, double residualTrace, double trace, long bytes,
                                 double seconds, String stopReason, double lastBlockNu, int rankCap) {
}
