package org.ntk4j.dl4j.samediff.internal;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import org.ntk4j.dl4j.OutputMode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds the NTK computation to a SameDiff graph.
 *
 * <p>On the work graph: a placeholder {@value #SEED} {@code [M, o]} and the probe loss
 * {@value #PROBE} {@code = Σ output ⊙ seed}; its gradient function is created with the probe as the only loss. On that
 * gradient function (a SameDiff instance holding forward and backward ops, sharing parameter arrays with the work
 * graph): placeholders {@value #ROWS1}, {@value #ROWS2} (row indices, INT64) and the structured kernel
 * {@value #KERNEL}.
 *
 * <p>Feeding convention: the input placeholder receives {@code o} stacked copies of a batch of {@code N} rows
 * (copy {@code k} in rows {@code k·N .. k·N+N−1}), the seed is one-hot in column {@code k} on copy {@code k}; then the
 * gradient of the probe w.r.t. an intermediate {@code z} holds, in copy {@code k}, each example's delta of output
 * {@code k}. {@value #ROWS1} and {@value #ROWS2} select the rows (in {@code 0..N−1}) of the two kernel arguments.
 */
public final class NtkGraphBuilder {
    /** Seed placeholder, {@code [M, o]}. */
    public static final String SEED = "ntk/seed";
    /** Probe loss, a scalar. */
    public static final String PROBE = "ntk/probe";
    /** Row indices of the first argument, INT64 {@code [n1]}. */
    public static final String ROWS1 = "ntk/rows1";
    /** Row indices of the second argument, INT64 {@code [n2]}. */
    public static final String ROWS2 = "ntk/rows2";
    /** The structured part of the kernel: {@code [n1, n2]} (TRACE) or {@code [n1, n2, o, o]} (FULL). */
    public static final String KERNEL = "ntk/kernel";

    private NtkGraphBuilder() {
    }

    /**
     * The built graph.
     *
     * @param graph          the gradient function with the kernel ops
     * @param hasKernel      whether {@value #KERNEL} exists (false when no parameter has a structured rule)
     * @param exactGradients for each exactly handled parameter, the name of its gradient variable in {@code graph}
     */
    public record Built(SameDiff graph, boolean hasKernel, Map<String, String> exactGradients) {
    }

    /**
     * @param work       the graph to transform (modified: seed, probe, loss variables, gradient function)
     * @param plan       the inspection result for {@code work}
     * @param outputName the output variable
     * @param mode       TRACE or FULL
     * @return the graph holding the kernel ops
     */
    public static Built build(SameDiff work, GraphPlan plan, String outputName, OutputMode mode) {
        for (String n : List.of(SEED, PROBE, ROWS1, ROWS2, KERNEL)) {
            if (work.hasVariable(n)) {
                throw new IllegalArgumentException("the graph already has a variable named '" + n
                        + "'; was the NTK transform already applied in place to this graph?");
            }
        }
        int o = plan.outputs();
        DataType type = plan.dataType();
        SDVariable seed = work.placeHolder(SEED, type, -1, o);
        work.getVariable(outputName).mul("ntk/seeded", seed).sum(PROBE);
        work.setLossVariables(PROBE);
        work.createGradFunction();
        SameDiff g = work.getFunction("grad");

        Map<String, String> exact = new LinkedHashMap<>();
        for (String p : plan.exactParameters()) {
            SDVariable grad = work.getVariable(p).getGradient();
            if (grad != null) {
                exact.put(p, grad.name());
            }
        }
        if (plan.terms().isEmpty()) {
            return new Built(g, false, exact);
        }
        SDVariable rows1 = g.placeHolder(ROWS1, DataType.INT64, -1);
        SDVariable rows2 = g.placeHolder(ROWS2, DataType.INT64, -1);
        SDVariable sum = null;
        int t = 0;
        for (StructuredTerm term : plan.terms()) {
            String pre = "ntk/term" + t + "/";
            long h = plan.widths().get(t)[1];
            SDVariable zGrad = work.getVariable(term.deltaVar()).getGradient();
            if (zGrad == null) {
                throw new IllegalStateException("SameDiff created no gradient for '" + term.deltaVar()
                        + "' although the output depends on it");
            }
            SDVariable delta = g.getVariable(zGrad.name());
            SDVariable inputGram = null;
            if (term.kind() == StructuredTerm.Kind.CONV2D) {
                delta = perExampleConvGradients(g, term, delta, plan.widths().get(t), pre);
            } else if (term.inputVar() != null) {
                SDVariable a = g.getVariable(term.inputVar());
                SDVariable a1 = g.gather(a, rows1, 0);
                SDVariable a2 = g.gather(a, rows2, 0);
                inputGram = g.mmul(pre + "inputGram", a1, a2, false, true, false);   // [n1, n2]
                if (term.bias()) {
                    inputGram = inputGram.add(pre + "inputGramPlusOne", 1.0);
                }
            }
            SDVariable d3 = g.reshape(pre + "deltas", delta, o, -1, h);             // [o, N, h]
            SDVariable d1 = g.permute(g.gather(d3, rows1, 1), 1, 0, 2);             // [n1, o, h]
            SDVariable d2 = g.permute(g.gather(d3, rows2, 1), 1, 0, 2);             // [n2, o, h]
            SDVariable contribution;
            if (mode == OutputMode.TRACE) {
                SDVariable f1 = g.reshape(d1, -1, o * h);                            // [n1, o*h]
                SDVariable f2 = g.reshape(d2, -1, o * h);
                SDVariable deltaGram = g.mmul(pre + "deltaGram", f1, f2, false, true, false);  // Σ_k Δ_k Δ_kᵀ
                contribution = inputGram == null ? deltaGram : inputGram.mul(pre + "contribution", deltaGram);
            } else {
                SDVariable f1 = g.reshape(d1, -1, h);                                // [n1*o, h]
                SDVariable f2 = g.reshape(d2, -1, h);
                SDVariable flat = g.mmul(pre + "deltaGram", f1, f2, false, true, false);       // [n1*o, n2*o]
                SDVariable shape = g.concat(0, g.sizeAt(rows1, 0).reshape(1).castTo(DataType.INT64),
                        g.constant(Nd4j.createFromArray((long) o)),
                        g.sizeAt(rows2, 0).reshape(1).castTo(DataType.INT64),
                        g.constant(Nd4j.createFromArray((long) o)));
                SDVariable full = g.permute(g.reshape(flat, shape), 0, 2, 1, 3);    // [n1, n2, o, o]
                contribution = inputGram == null ? full
                        : full.mul(pre + "contribution", g.expandDims(g.expandDims(inputGram, 2), 3));
            }
            sum = sum == null ? contribution : sum.add(contribution);
            t++;
        }
        if (mode == OutputMode.TRACE) {
            sum.div(KERNEL, o);
        } else {
            g.identity(KERNEL, sum);
        }
        return new Built(g, true, exact);
    }

    /**
     * Per-example gradients of a conv2d's weight and bias, {@code [M, K·oC (+ oC)]}: {@code vec(P_i·D_iᵀ)} from the
     * im2col patches {@code P_i} {@code [K, S]} of the op's input and the deltas {@code D_i} {@code [oC, S]}, and
     * {@code Σ_p D_i} for the bias. The order of the entries differs from the weight's layout, which a Gram matrix
     * does not see.
     */
    private static SDVariable perExampleConvGradients(SameDiff g, StructuredTerm term, SDVariable delta, long[] widths,
                                                      String pre) {
        long k = widths[0];
        long width = widths[1];
        long oc = term.bias() ? width / (k + 1) : width / k;
        long[] a = term.convArgs();
        SDVariable d = g.reshape(delta, -1, oc, widths[2] / (k + oc));                   // [M, oC, S]
        List<SDVariable> parts = new ArrayList<>();
        if (term.inputVar() != null) {
            Conv2DConfig cfg = Conv2DConfig.builder().kH(a[0]).kW(a[1]).sH(a[2]).sW(a[3]).pH(0).pW(0)
                    .dH(a[8]).dW(a[9]).paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
            SDVariable in = g.getVariable(term.inputVar());
            if (a[4] != 0 || a[5] != 0 || a[6] != 0 || a[7] != 0) {
                SDVariable pads = g.constant(Nd4j.createFromArray(new int[][]{{0, 0}, {0, 0},
                        {(int) a[4], (int) a[5]}, {(int) a[6], (int) a[7]}}));
                in = g.nn.pad(pre + "padded", in, pads, 0.0);
            }
            SDVariable cols = g.cnn.im2Col(pre + "patches", in, cfg);                   // [M, iC, kH, kW, oH, oW]
            SDVariable p = g.reshape(cols, -1, k, widths[2] / (k + oc));                 // [M, K, S]
            SDVariable gw = g.mmul(pre + "weightGradients", p, d, false, true, false);   // [M, K, oC]
            parts.add(g.reshape(gw, -1, k * oc));
        }
        if (term.bias()) {
            parts.add(g.sum(pre + "biasGradients", d, 2));                            // [M, oC]
        }
        return parts.size() == 1 ? parts.get(0) : g.concat(pre + "gradients", 1, parts.toArray(new SDVariable[0]));
    }
}
