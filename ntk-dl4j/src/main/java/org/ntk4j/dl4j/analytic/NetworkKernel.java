package org.ntk4j.dl4j.analytic;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.dl4j.EmpiricalNtk;
import org.ntk4j.dl4j.OutputMode;
import org.ntk4j.dl4j.analytic.internal.DenseStackKernels;

/**
 * A kernel of one finite network, {@code [n1, n2]}, as averaged by {@link MonteCarloKernels}.
 *
 * <p>{@link #empiricalNtk()} is ntk4j's {@link EmpiricalNtk} (TRACE) of {@code net.output(x)}: for an identity output
 * layer it is the finite-width counterpart of {@link AnalyticKernel}'s NTK. The two pre-activation built-ins cover
 * stacks of {@code DenseLayer}s ending in a {@code DenseLayer} or {@code OutputLayer}; they are of the output
 * <b>pre-activation</b> (as {@link AnalyticKernel} is, whatever the output activation) and TRACE (mean over output
 * units), computed in DOUBLE from the network's parameters by a separate, explicit backpropagation.
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
     * @return {@code EmpiricalNtk.builder().outputMode(OutputMode.TRACE).build()}, the empirical NTK of
     *         {@code net.output(x)} (after the output activation), in the network's data type
     */
    static NetworkKernel empiricalNtk() {
        EmpiricalNtk ntk = EmpiricalNtk.builder().outputMode(OutputMode.TRACE).build();
        return (net, x1, x2) -> ntk.compute(net, x1, x2);   // x2 == null: the symmetric path (each tile pair once)
    }

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
