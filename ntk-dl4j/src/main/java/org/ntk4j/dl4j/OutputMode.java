package org.ntk4j.dl4j;

/**
 * Which part of the output-by-output kernel an NTK computation returns.
 *
 * <p>For a network with {@code o} output entries per example ({@code m} in {@link EmpiricalNtk}: every entry of
 * every output array, e.g. {@code o·T} for a sequence output) the full empirical NTK is the block matrix
 * {@code Θ[i, j, k, l] = <∂f_k(x_i)/∂θ, ∂f_l(x'_j)/∂θ>}.
 */
public enum OutputMode {
    /**
     * Shape {@code [n1, n2]}: the <b>mean</b> over outputs of the diagonal blocks,
     * {@code (1/o) Σ_k Θ[i, j, k, k]} (the convention of neural-tangents' {@code trace_axes}).
     * Costs about {@code o} times less memory and time in the contraction than {@link #FULL}.
     */
    TRACE,
    /** Shape {@code [n1, n2, o, o]}: every output pair. Needed for exact multi-output kernel regression. */
    FULL
}
