package org.ntk4j.core.analytic;

/**
 * How the weights and biases of a dense layer enter the forward pass, which decides the NTK (the NNGP is the same).
 *
 * <p>Both parameterizations give the pre-activation {@code z = h W_eff + b_eff} the same distribution at
 * initialisation: entries of {@code W_eff} are independent with mean 0 and variance {@code σ_w² / n_in}, and
 * {@code b_eff} has mean {@code β} and variance {@code σ_b²}. They differ in what the trainable parameters are, hence
 * in the gradients that the NTK sums over.
 */
public enum Parameterization {
    /**
     * DL4J's parameterization: {@code z = h W + b}, the trainable {@code W} initialised with variance
     * {@code σ_w² / n_in} and the trainable {@code b} with mean {@code β} and variance {@code σ_b²} (DL4J: constant
     * {@code biasInit}, {@code σ_b² = 0}). A layer contributes {@code (n_in·Ĉ + 1)·D} to the NTK: the weight part grows
     * linearly with the width {@code n_in} of the layer's input, so the NTK of a wide network is dominated by its widest
     * layers and has no width-independent limit (the finite widths are part of the kernel).
     */
    STANDARD,
    /**
     * The NTK parameterization of Jacot et al.: {@code z = (σ_w/√n_in) h ω + β + σ_b ν} with trainable
     * {@code ω, ν ~ N(0, 1)}. A layer contributes {@code (σ_w²·Ĉ + σ_b²)·D}; the kernel does not depend on the widths.
     */
    NTK
}
