package org.ntk4j.dl4j;

/**
 * Which part of the kernel of a network with {@code o} outputs is returned.
 *
 * <p>The empirical NTK of a network {@code f: R^d -> R^o} is the matrix-valued kernel
 * {@code Θ(x, x')[k, l] = Σ_p ∂f_k(x)/∂θ_p · ∂f_l(x')/∂θ_p}, summed over every trainable parameter.
 */
public enum OutputMode {
    /**
     * The mean over outputs of the diagonal output blocks: shape {@code [n1, n2]}, entry
     * {@code (1/o) Σ_k Θ(x1_i, x2_j)[k, k]} (the convention of neural-tangents).
     */
    TRACE,
    /**
     * Every output pair: shape {@code [n1, n2, o, o]}, entry {@code [i, j, k, l] = Θ(x1_i, x2_j)[k, l]}.
     */
    FULL
}
