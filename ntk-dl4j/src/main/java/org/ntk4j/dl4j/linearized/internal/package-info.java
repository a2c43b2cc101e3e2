/**
 * Internals of the linearized network: the kernel engine it computes its training and test kernels with
 * ({@code KernelEngine}, flat {@code [n1·o, n2·o]} example-major; {@code EmpiricalNtkEngine} over
 * {@link org.ntk4j.dl4j.EmpiricalNtk}; {@code KernelEngines} picks the default) and what it needs of each network kind.
 * Not API.
 *
 * <pre>{@code
 * KernelEngine engine = KernelEngines.defaultEngine(budget, OutputMode.FULL, outputs);
 * INDArray kTrain = engine.flatKernel(net, xTrain, null);    // [n·o, n·o]
 * }</pre>
 */
package org.ntk4j.dl4j.linearized.internal;
