package org.ntk4j.dl4j.samediff.internal;

import java.util.List;

/**
 * One term of the structured rule.
 *
 * <p>{@link Kind#DENSE}: parameters that enter the graph only through {@code z = A·W (+ b)} with row-wise
 * (per-example) {@code A} {@code [N, in]} and {@code z} {@code [N, out]} contribute
 * {@code (A1·A2ᵀ + [bias]) ⊙ (Δ1·Δ2ᵀ)}, where {@code Δ = ∂(Σ_i f(x_i)·s_i)/∂z} are the per-example deltas.
 *
 * <p>{@link Kind#CONV2D}: the weight (and bias) of an NCHW {@code conv2d} {@code z = conv(A, W) + b} contribute
 * {@code G1·G2ᵀ} of their per-example gradients {@code G_i = [vec(P_i·D_iᵀ), Σ_p D_i]}, computed in one batched
 * product from the im2col patches {@code P_i} {@code [K, S]} of {@code A} and the deltas {@code D_i} {@code [oC, S]}.
 *
 * @param kind       DENSE or CONV2D
 * @param parameters the trainable variables covered by this term (a weight, a bias, or both)
 * @param inputVar   the variable holding {@code A}, or {@code null} for a bias alone
 * @param deltaVar   the variable {@code z} whose gradient gives the deltas
 * @param bias       whether a bias is part of the term
 * @param convArgs   for CONV2D, {@code [kH, kW, sH, sW, padTop, padBottom, padLeft, padRight, dH, dW]} (explicit
 *                   padding, also for SAME mode); empty for DENSE
 */
public record StructuredTerm(Kind kind, List<String> parameters, String inputVar, String deltaVar, boolean bias,
                             long[] convArgs) {
    /** The kind of structured rule. */
    public enum Kind { DENSE, CONV2D }

    public StructuredTerm {
        parameters = List.copyOf(parameters);
        convArgs = convArgs.clone();
    }

    /** A dense term. */
    public StructuredTerm(List<String> parameters, String inputVar, String deltaVar, boolean bias) {
        this(Kind.DENSE, parameters, inputVar, deltaVar, bias, new long[0]);
    }
}
