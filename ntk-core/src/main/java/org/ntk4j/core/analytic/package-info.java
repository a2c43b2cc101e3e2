/**
 * Infinite-width kernels of fully connected networks ({@link org.ntk4j.core.analytic.FullyConnectedKernel}) and of 2-D
 * convolutional networks ({@link org.ntk4j.core.analytic.ConvolutionalKernel}: convolutions, average pooling, flatten or
 * global pooling readouts): the NNGP kernel and the neural tangent kernel of the output pre-activation, in DL4J's
 * standard parameterization or the NTK parameterization.
 *
 * <p>Closed forms for identity, ReLU, LeakyReLU, Abs and erf ({@link org.ntk4j.core.analytic.Nonlinearities});
 * two-dimensional Gauss–Hermite quadrature for any other {@link org.ntk4j.core.analytic.Nonlinearity} and for every
 * non-zero bias mean. The recursions and their derivation are in {@link org.ntk4j.core.analytic.FullyConnectedKernel}
 * and {@code docs/theory.md}.
 *
 * <pre>{@code
 * FullyConnectedKernel k = FullyConnectedKernel.builder(2)
 *         .parameterization(Parameterization.STANDARD)
 *         .layer(DenseLayerSpec.builder(256).weightVariance(2).activation(Nonlinearities.relu()).build())
 *         .layer(DenseLayerSpec.builder(256).weightVariance(1).biasMean(0.1).activation(Nonlinearities.tanh()).build())
 *         .layer(DenseLayerSpec.builder(1).build())
 *         .build();
 * KernelPair kp = k.compute(x);          // kp.nngp(), kp.ntk(): [n, n]
 * }</pre>
 */
package org.ntk4j.core.analytic;
