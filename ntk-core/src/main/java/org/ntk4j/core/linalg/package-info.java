/**
 * Dense symmetric linear algebra on ND4J arrays: thin, tested wrappers over ND4J's LAPACK.
 *
 * <ul>
 *   <li>{@link org.ntk4j.core.linalg.CholeskyFactor}: {@code potrf} with an optional diagonal regulariser and
 *       blocked (GEMM-based) triangular solves; a failure raises
 *       {@link org.ntk4j.core.linalg.NotPositiveDefiniteException} naming the {@code diagReg} to use.</li>
 *   <li>{@link org.ntk4j.core.linalg.SymmetricEigen}: {@code syev}, ascending eigenvalues, matrix functions
 *       {@code V f(Λ) Vᵀ b} without forming {@code f(A)}.</li>
 *   <li>{@link org.ntk4j.core.linalg.Matrices}: shape, type, finiteness and symmetry checks.</li>
 * </ul>
 * Everything works in FLOAT and DOUBLE (the input's type) and never modifies its arguments.
 *
 * <pre>{@code
 * INDArray k = ...;                                   // [m, m] symmetric PSD kernel
 * try {
 *     INDArray alpha = CholeskyFactor.of(k).solve(y); // y [m] or [m, k]
 * } catch (NotPositiveDefiniteException e) {
 *     INDArray alpha = CholeskyFactor.of(k, e.suggestedDiagReg()).solve(y);
 * }
 * SymmetricEigen eig = SymmetricEigen.of(k);
 * INDArray smoothed = eig.applyFunction(l -> Math.exp(-0.1 * Math.max(l, 0)), y);
 * }</pre>
 */
package org.ntk4j.core.linalg;
