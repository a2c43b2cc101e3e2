package org.ntk4j.dl4j;

/**
 * How an empirical NTK is computed. Every implementation returns the same kernel up to rounding; they differ in cost.
 *
 * <p>Notation: {@code n} examples per block, {@code o} outputs, {@code P} trainable parameters, {@code w_l} the width
 * (output size) and {@code d_l} the input size of layer {@code l}.
 */
public enum NtkImplementation {
    /**
     * Per-layer factorized rules that never build the Jacobian. For a dense layer {@code z = aW + b}:
     * {@code Θ_l = (A Aᵀ + 1) ⊙ (Δ Δᵀ)}, where {@code A} are the layer's inputs and {@code Δ} the per-example,
     * per-output gradients w.r.t. {@code z}. Time about {@code o·n·P} for the backward passes plus
     * {@code n²(d_l + o·w_l)} per layer (TRACE) or {@code n²o²w_l} (FULL); memory {@code n·o·Σ w_l}.
     * Structured rules only: a network (or SameDiff graph) with a trainable layer (variable) that has no structured
     * rule is refused by {@code EmpiricalNtk} and {@code SameDiffNtk} alike, naming the layer; use {@link #AUTO} for
     * such networks.
     */
    STRUCTURED,
    /**
     * Explicit per-example Jacobian rows {@code J} ({@code n·o × P}, from one batch-of-one backward pass per example
     * and output through DL4J's own layer gradients), then {@code Θ = J Jᵀ}. Time about {@code n·o·P} backward work with
     * batch size one plus {@code n²o·P}; memory {@code n·o·P} per block. The reference implementation.
     */
    JACOBIAN,
    /**
     * {@link #STRUCTURED} rules where they exist, the exact per-example-gradient fallback for the other layers
     * only: the right default, accepted for every supported network.
     */
    AUTO
}
