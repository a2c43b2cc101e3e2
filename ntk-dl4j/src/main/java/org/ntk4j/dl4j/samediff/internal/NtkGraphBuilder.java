package org.ntk4j.dl4j.samediff.internal;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
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
     * Builds the NTK ops on the user's graph itself and registers them as its sub-function {@code functionName}; the
     * graph's loss variables and its gradient function are restored afterwards, so that training it is unchanged.
     *
     * @param sd           the user's graph (gains the seed placeholder, the probe ops and the sub-function)
     * @param plan         the inspection result for {@code sd}
     * @param outputName   the output variable
     * @param mode         TRACE or FULL
     * @param functionName the name of the sub-function holding the NTK graph
     * @return the graph holding the kernel ops
     * @throws IllegalArgumentException when the graph already has that sub-function
     */
    public static Built buildInPlace(SameDiff sd, GraphPlan plan, String outputName, OutputMode mode,
                                     String functionName) {
        if (sd.getFunction(functionName) != null) {
            throw new IllegalArgumentException("the graph already has a sub-function '" + functionName
                    + "'; the NTK transform can be applied in place only once per graph");
        }
        List<String> losses = userLosses(sd);
        SameDiff oldGrad = sd.getFunction("grad");
        Built built;
        try {
            built = build(sd, plan, outputName, mode);
        } finally {
            sd.setLossVariables(losses.toArray(new String[0]));
            if (oldGrad != null) {
                sd.putSubFunction("grad", oldGrad);
            }
        }
        sd.putSubFunction(functionName, built.graph());
        return built;
    }

    /** The loss variables SameDiff would use for training, made explicit (the transform adds a candidate). */
    private static List<String> userLosses(SameDiff sd) {
        List<String> losses = new ArrayList<>(sd.getLossVariables());
        if (!losses.isEmpty() || (sd.getTrainingConfig() != null && sd.getTrainingConfig().getLossVariables() != null
                && !sd.getTrainingConfig().getLossVariables().isEmpty())) {
            return losses;
        }
        List<String> leaves = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            List<String> consumers = sd.getVariables().get(v.name()).getInputsForOp();
            if (v.getVariableType() == VariableType.ARRAY && v.dataType().isFPType()
                    && (consumers == null || consumers.isEmpty())) {
                leaves.add(v.name());
            }
        }
        return leaves.size() == 1 ? leaves : losses;
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
            long h = term.rowWidth();
            SDVariable zGrad = work.getVariable(term.deltaVar()).getGradient();
            if (zGrad == null) {
                throw new IllegalStateException("SameDiff created no gradient for '" + term.deltaVar()
                        + "' although the output depends on it");
            }
            SDVariable delta = term.rows(g, g.getVariable(zGrad.name()), pre);                 // [M, h]
            SDVariable inputGram = term.inputGram(g, rows1, rows2, pre).orElse(null);
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
}
