/**
 * Internals of the linearized network, among them the kernel engine it computes its training and test kernels with:
 * {@code KernelEngine} (the flat {@code [n1·o, n2·o]} example-major kernel of {@code net.output}),
 * {@code EmpiricalNtkEngine} over {@link org.ntk4j.dl4j.EmpiricalNtk} (FULL, or TRACE as {@code trace ⊗ I_o}) and
 * {@code KernelEngines}, which picks the default. Not API.
 *
 * <pre>{@code
 * KernelEngine engine = KernelEngines.defaultEngine(budget, OutputMode.FULL, outputs);
 * INDArray kTrain = engine.flatKernel(net, xTrain, null);    // [n·o, n·o]
 * }</pre>
 */
package org.ntk4j.dl4j.linearized.internal;
