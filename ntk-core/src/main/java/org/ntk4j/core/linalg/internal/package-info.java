/**
 * Internals of the linear algebra: triangular solves that ND4J 1.0.0-M2.1 does not offer fast or correctly
 * ({@code BlockedTriangularSolver}: off-diagonal blocks as GEMMs, diagonal blocks in double precision;
 * {@code DirectSubstitution}: few right-hand sides, read in place through a direct view of a column-major factor).
 * They serve {@code CholeskyFactor}. Not API.
 *
 * <pre>{@code
 * INDArray y = BlockedTriangularSolver.solveLower(l, b);   // L y = b; l [n, n] lower triangular, b [n, k]
 * }</pre>
 */
package org.ntk4j.core.linalg.internal;
