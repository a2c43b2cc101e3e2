package org.ntk4j.dl4j.analytic;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.dl4j.analytic.internal.DenseStackKernels;

/**
 * A kernel of one finite network, {@code [n1, n2]}, as averaged by {@link MonteCarloKernels}.
 *
 * <p>Any empirical NTK fits, e.g. {@code (net, a, b) -> EmpiricalNtk.builder().outputMode(OutputMode.TRACE).build()
 * .compute(net, a, b)}. Two built-ins cover stacks of {@code DenseLayer}s ending in a {@code DenseLayer} or
 * {@code OutputLayer}; both are of the output <b>pre-activation</b> (as {@link AnalyticKernel} is) and TRACE (mean over
 * output units), computed in DOUBLE from the network's parameters.
 */
@FunctionalInterface
public interface NetworkKernel {
    /**
     * @param net an initialised network
     * @param x1  features {@code [n1, nIn]}
     * @param x2  features {@code [n2, nIn]}, or {@code null} for {@code x1}
     * @return the kernel {@code [n1, n2]}
     */
    INDArray compute(MultiLayerNetwork net, INDArray x1, INDArray x2);

    /**
     * @return the empirical NTK of the output pre-activation, summed over every weight and bias, by explicit
     *         backpropagation of each output unit ({@code Θ = (1/o) Σ_k Σ_l (A_{l−1}A'ᵀ_{l−1} + 1) ⊙ Δ_l^k Δ'^{kᵀ}_l})
     */
    static NetworkKernel preActivationNtk() {
        return DenseStackKernels::ntk;
    }

    /**
     * @return one sample of the NNGP: {@code (1/o) Σ_k (z_k(x) − b_k)(z_k(x') − b_k)} with {@code z} the output
     *         pre-activation and {@code b} the output bias (a constant at initialisation)
     */
    static NetworkKernel preActivationNngp() {
        return DenseStackKernels::nngp;
    }
}
