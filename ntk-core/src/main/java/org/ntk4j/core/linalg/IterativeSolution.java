package org.ntk4j.core.linalg;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of {@link IterativeKernelSolver#solve(INDArray)}.
 *
 * @param solution           {@code α [n, c]}, DOUBLE, with {@code ‖b − (K + λI) α‖ ≤ tolerance · ‖b‖} per column
 * @param iterations         conjugate-gradient iterations, summed over the {@code c} columns (restarts included)
 * @param relativeResidual   the largest {@code ‖b − (K + λI) α‖ / ‖b‖} over the columns, recomputed with a fresh
 *                           kernel–vector product after the iteration (not the recursively updated residual)
 * @param tolerance          the tolerance asked for
 * @param preconditionerRank the rank k of the pivoted-Cholesky preconditioner
 * @param kernelPasses       how many times the whole kernel was streamed (one per product)
 * @param seconds            wall time of the solve, preconditioner included
 */
public record IterativeSolution(INDArray solution, int iterations, double relativeResidual, double tolerance,
                                int preconditionerRank, long kernelPasses, double seconds) {
}
