package org.ntk4j.dl4j.samediff.internal;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One term of the structured rule: trainable variables whose contribution to the kernel is formed from the deltas
 * {@code Δ = ∂(Σ_i f(x_i)·s_i)/∂z} of one intermediate variable {@code z} (SameDiff's gradient w.r.t. it) and, for a
 * dense weight, the op's input {@code A}. Each term adds its ops to the gradient function ({@link NtkGraphBuilder}):
 * per-example rows {@link #rows} {@code [M, h]} whose Gram gives the delta factor, times the optional
 * {@link #inputGram} factor.
 */
public sealed interface StructuredTerm {
    /** @return the trainable variables covered by this term (a weight, a bias, or both) */
    List<String> parameters();

    /** @return the variable {@code z} whose gradient gives the deltas */
    String deltaVar();

    /** @return the width of {@code A} (0 without a weight; for a conv2d the patch size {@code K = iC·kH·kW}) */
    long inputWidth();

    /** @return {@code h}, the width of the per-example rows entering the delta Gram */
    long rowWidth();

    /** @return scratch elements per stacked row (im2col patches and deltas of a conv2d; 0 for dense terms) */
    long scratchPerRow();

    /**
     * @param g     the gradient function
     * @param delta the gradient of the probe w.r.t. {@link #deltaVar()}, {@code [M, ...]}
     * @param pre   a unique name prefix for the added ops
     * @return per-example rows {@code [M, h]}
     */
    SDVariable rows(SameDiff g, SDVariable delta, String pre);

    /**
     * @param g     the gradient function
     * @param rows1 row indices of the first argument
     * @param rows2 row indices of the second argument
     * @param pre   a unique name prefix for the added ops
     * @return the input factor {@code [n1, n2]} that multiplies the delta Gram, or empty when there is none
     */
    Optional<SDVariable> inputGram(SameDiff g, SDVariable rows1, SDVariable rows2, String pre);

    /**
     * Parameters entering only through {@code z = A·W (+ b)} with row-wise (per-example) {@code A} {@code [N, in]}
     * and {@code z} {@code [N, out]}: they contribute {@code (A1·A2ᵀ + [bias]) ⊙ (Δ1·Δ2ᵀ)}.
     *
     * @param parameters the weight and/or bias
     * @param input      the variable holding {@code A}, empty for a bias alone
     * @param deltaVar   {@code z} (for a separate bias op, the pre-bias product, whose deltas are the same)
     * @param bias       whether a bias is part of the term
     * @param inputWidth {@code in} (0 for a bias alone)
     * @param rowWidth   {@code out}
     */
    record Dense(List<String> parameters, Optional<String> input, String deltaVar, boolean bias, long inputWidth,
                 long rowWidth) implements StructuredTerm {
        public Dense {
            parameters = List.copyOf(parameters);
        }

        @Override
        public long scratchPerRow() {
            return 0;
        }

        @Override
        public SDVariable rows(SameDiff g, SDVariable delta, String pre) {
            return delta;
        }

        @Override
        public Optional<SDVariable> inputGram(SameDiff g, SDVariable rows1, SDVariable rows2, String pre) {
            if (input.isEmpty()) {
                return Optional.empty();
            }
            SDVariable a = g.getVariable(input.get());
            SDVariable gram = g.mmul(pre + "inputGram", g.gather(a, rows1, 0), g.gather(a, rows2, 0), false, true,
                    false);                                                                     // [n1, n2]
            return Optional.of(bias ? gram.add(pre + "inputGramPlusOne", 1.0) : gram);
        }
    }

    /**
     * The weight and/or bias of an NCHW {@code conv2d} {@code z = conv(A, W) + b}: they contribute {@code G1·G2ᵀ} of
     * their per-example gradients {@code G_i = [vec(P_i·D_iᵀ), Σ_p D_i]}, computed in one batched product from the
     * im2col patches {@code P_i} {@code [K, S]} of {@code A} and the deltas {@code D_i} {@code [oC, S]}.
     *
     * @param parameters the kernel and/or bias
     * @param input      the variable holding {@code A}, empty for a bias alone
     * @param deltaVar   {@code z}
     * @param bias       whether the bias is part of the term
     * @param patch      {@code K = iC·kH·kW} (0 without the kernel)
     * @param channels   {@code oC}
     * @param positions  {@code S = oH·oW}
     * @param geometry   kernel size, strides, explicit padding and dilation
     */
    record Conv2d(List<String> parameters, Optional<String> input, String deltaVar, boolean bias, long patch,
                  long channels, long positions, ConvGeometry geometry) implements StructuredTerm {
        public Conv2d {
            parameters = List.copyOf(parameters);
        }

        @Override
        public long inputWidth() {
            return patch;
        }

        @Override
        public long rowWidth() {
            return patch * channels + (bias ? channels : 0);
        }

        @Override
        public long scratchPerRow() {
            return (patch + channels) * positions;
        }

        /**
         * Per-example gradients {@code [M, K·oC (+ oC)]}: {@code vec(P_i·D_iᵀ)} and {@code Σ_p D_i} for the bias. The
         * order of the entries differs from the kernel's layout, which a Gram matrix does not see.
         */
        @Override
        public SDVariable rows(SameDiff g, SDVariable delta, String pre) {
            ConvGeometry a = geometry;
            SDVariable d = g.reshape(delta, -1, channels, positions);                          // [M, oC, S]
            List<SDVariable> parts = new ArrayList<>();
            if (input.isPresent()) {
                Conv2DConfig cfg = Conv2DConfig.builder().kH(a.kH()).kW(a.kW()).sH(a.sH()).sW(a.sW()).pH(0).pW(0)
                        .dH(a.dH()).dW(a.dW()).paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
                SDVariable in = g.getVariable(input.get());
                if (a.padded()) {
                    SDVariable pads = g.constant(Nd4j.createFromArray(new int[][]{{0, 0}, {0, 0},
                            {(int) a.padTop(), (int) a.padBottom()}, {(int) a.padLeft(), (int) a.padRight()}}));
                    in = g.nn.pad(pre + "padded", in, pads, 0.0);
                }
                SDVariable cols = g.cnn.im2Col(pre + "patches", in, cfg);                     // [M, iC, kH, kW, oH, oW]
                SDVariable p = g.reshape(cols, -1, patch, positions);                          // [M, K, S]
                SDVariable gw = g.mmul(pre + "weightGradients", p, d, false, true, false);     // [M, K, oC]
                parts.add(g.reshape(gw, -1, patch * channels));
            }
            if (bias) {
                parts.add(g.sum(pre + "biasGradients", d, 2));                              // [M, oC]
            }
            return parts.size() == 1 ? parts.get(0) : g.concat(pre + "gradients", 1, parts.toArray(new SDVariable[0]));
        }

        @Override
        public Optional<SDVariable> inputGram(SameDiff g, SDVariable rows1, SDVariable rows2, String pre) {
            return Optional.empty();
        }
    }
}
