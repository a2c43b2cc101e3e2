package org.ntk4j.dl4j.samediff.internal;

import java.util.List;

/**
 * One term of the structured rule: for parameters that enter the graph only through {@code z = A·W (+ b)} with
 * row-wise (per-example) {@code A} and {@code z}, the parameters' contribution to the kernel is
 * {@code (A1·A2ᵀ + [bias]) ⊙ (Δ1·Δ2ᵀ)}, where {@code Δ = ∂(Σ_i f(x_i)·s_i)/∂z} are the per-example deltas.
 *
 * @param parameters the trainable variables covered by this term (a weight, a bias, or both)
 * @param inputVar   the variable holding {@code A} {@code [N, in]}, or {@code null} for a bias alone
 * @param deltaVar   the variable {@code z} {@code [N, out]} whose gradient gives the deltas
 * @param bias       whether a bias over the columns of {@code z} is part of the term (adds 1 to the input Gram)
 */
public record StructuredTerm(List<String> parameters, String inputVar, String deltaVar, boolean bias) {
    public StructuredTerm {
        parameters = List.copyOf(parameters);
    }
}
