/**
 * Internals of the DL4J analytic kernels: weight-initialisation variances, the mapping of DL4J activations to
 * nonlinearities, and the explicit pre-activation kernels of one dense network. Not API.
 *
 * <pre>{@code
 * double v = WeightInitVariances.of(new WeightInitRelu(), "layer 0").variance(fanIn, fanOut);   // 2 / fanIn
 * }</pre>
 */
package org.ntk4j.dl4j.analytic.internal;
