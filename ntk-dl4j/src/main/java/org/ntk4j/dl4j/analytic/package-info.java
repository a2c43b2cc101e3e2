/**
 * Infinite-width kernels of DL4J configurations and their finite-width Monte-Carlo estimates.
 *
 * <p>{@link org.ntk4j.dl4j.analytic.AnalyticKernels#of} reads a {@code MultiLayerConfiguration} (widths,
 * activations, weight initialisation, bias init) and returns an {@link org.ntk4j.dl4j.analytic.AnalyticKernel}: the
 * NNGP and NTK of the output pre-activation that networks of this configuration converge to as their widths grow.
 * {@link org.ntk4j.dl4j.analytic.MonteCarloKernels} averages the kernels of k real DL4J initialisations.
 *
 * <pre>{@code
 * AnalyticKernel limit = AnalyticKernels.of(conf);
 * KernelPair kp = limit.compute(x);                       // kp.nngp(), kp.ntk(): [n, n]
 * MonteCarloResult mc = MonteCarloKernels.builder(conf).samples(16).build().compute(x);
 * double err = mc.ntkMean().sub(kp.ntk()).norm2Number().doubleValue() / kp.ntk().norm2Number().doubleValue();
 * }</pre>
 */
package org.ntk4j.dl4j.analytic;
