/**
 * Internals of the analytic kernels: the Gauss–Hermite rule and the batched Gaussian expectations
 * {@code E[φ(u)φ(v)]}, {@code E[φ'(u)φ'(v)]} (closed form or quadrature). Not API.
 *
 * <pre>{@code
 * GaussianMoments m = new GaussianMoments(25);
 * m.compute(Nonlinearities.tanh(), 0.0, k11, k12, k22, n, c, e);   // c[i], e[i] for i < n
 * }</pre>
 */
package org.ntk4j.core.analytic.internal;
