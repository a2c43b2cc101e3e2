/**
 * ntk4j core: the mathematics of the Neural Tangent Kernel on ND4J arrays, independent of DL4J.
 *
 * <p>Sub-packages hold one concept each: {@code kernel} (kernel layouts, memory budgets, metrics),
 * {@code analytic} (infinite-width kernels), {@code predict} (closed-form kernel regression) and
 * {@code linalg} (thin, tested wrappers over LAPACK). Nothing here imports {@code org.deeplearning4j}.
 *
 * <pre>{@code
 * INDArray full = ...;                                  // [n1, n2, o, o]
 * INDArray trace = KernelLayout.traceOf(full);          // [n1, n2], mean over outputs
 * INDArray flat = KernelLayout.flatten(full);           // [n1*o, n2*o], example-major
 * }</pre>
 */
package org.ntk4j.core;
