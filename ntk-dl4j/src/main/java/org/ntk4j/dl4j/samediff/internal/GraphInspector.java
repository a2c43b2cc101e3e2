package org.ntk4j.dl4j.samediff.internal;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BiasAdd;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.custom.XwPlusB;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Inspects a SameDiff graph for the NTK transform: which trainable variables the output depends on, which of them
 * enter only through a structured op ({@code Mmul}, {@code BiasAdd}, a row-broadcast {@code AddOp}, {@code XwPlusB}
 * on rank-2 activations; an NCHW {@code Conv2D} with VALID or SAME padding), and which need the exact per-example
 * path.
 *
 * <p>Shapes are learned from one forward pass of the graph on a batch of two zero rows.
 */
public final class GraphInspector {
    /** Batch size of the shape probe (two rows: SameDiff M2.1 has bugs for minibatch 1). */
    static final int PROBE_ROWS = 2;

    private GraphInspector() {
    }

    /** A parameter matched by a rule: a weight ({@code input != null}) or a bias ({@code input == null}). */
    private record Match(String parameter, String input, String z, String biasOf, String op, long[] conv) {
        Match(String parameter, String input, String z, String biasOf, String op) {
            this(parameter, input, z, biasOf, op, null);
        }
    }

    /**
     * @param sd         the graph to inspect (only read, except for one forward pass)
     * @param inputName  the placeholder that receives the features
     * @param outputName the variable holding the network output {@code [n, o]}
     * @param structured whether structured rules may be used (false: every parameter takes the exact path)
     * @return the plan
     * @throws IllegalArgumentException when the names, the types or the shapes do not describe a network output
     */
    public static GraphPlan inspect(SameDiff sd, String inputName, String outputName, boolean structured) {
        if (sd == null) {
            throw new IllegalArgumentException("SameDiff graph must not be null");
        }
        requireVariable(sd, inputName, "input");
        requireVariable(sd, outputName, "output");
        SDVariable input = sd.getVariable(inputName);
        if (input.getVariableType() != VariableType.PLACEHOLDER) {
            throw new IllegalArgumentException("input '" + inputName + "' must be a placeholder, but it is a "
                    + input.getVariableType() + " variable; placeholders: " + names(sd, VariableType.PLACEHOLDER));
        }
        SDVariable output = sd.getVariable(outputName);
        if (output.getVariableType() != VariableType.ARRAY || !output.dataType().isFPType()) {
            throw new IllegalArgumentException("output '" + outputName + "' must be a floating point value computed by"
                    + " the graph (ARRAY), but it is a " + output.getVariableType() + " of type " + output.dataType());
        }

        Map<String, Variable> vars = sd.getVariables();
        Map<String, SameDiffOp> ops = sd.getOps();
        Set<String> upVars = new LinkedHashSet<>();
        Set<String> upOps = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(outputName);
        while (!todo.isEmpty()) {
            String v = todo.poll();
            if (!upVars.add(v)) {
                continue;
            }
            Variable var = vars.get(v);
            String opName = var == null ? null : var.getOutputOfOp();
            if (opName != null && upOps.add(opName)) {
                List<String> in = ops.get(opName).getInputsToOp();
                if (in != null) {
                    todo.addAll(in);
                }
            }
        }
        if (!upVars.contains(inputName)) {
            throw new IllegalArgumentException("output '" + outputName + "' does not depend on the input '" + inputName
                    + "'; placeholders it depends on: " + placeholdersIn(sd, upVars));
        }
        List<String> others = new ArrayList<>(placeholdersIn(sd, upVars));
        others.remove(inputName);
        if (!others.isEmpty()) {
            throw new IllegalArgumentException("output '" + outputName + "' depends on placeholder(s) " + others
                    + " besides the input '" + inputName + "'; the NTK is taken w.r.t. one input: make the others"
                    + " constants (SameDiff.convertToConstants) or compute the output from the input alone");
        }

        List<String> params = new ArrayList<>();
        for (String name : vars.keySet()) {
            SDVariable v = sd.getVariable(name);
            if (upVars.contains(name) && v.getVariableType() == VariableType.VARIABLE && v.dataType().isFPType()) {
                params.add(name);
            }
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException("output '" + outputName + "' depends on no trainable (VARIABLE, floating"
                    + " point) variable, so its NTK is zero; trainable variables of the graph: "
                    + names(sd, VariableType.VARIABLE));
        }

        long[] phShape = input.getShape();
        if (phShape == null || phShape.length < 2) {
            throw new IllegalArgumentException("input placeholder '" + inputName
                    + "' must have a known shape [-1, d, ...]"
                    + " with the batch first (got: " + Arrays.toString(phShape) + ")");
        }
        long[] featureShape = Arrays.copyOfRange(phShape, 1, phShape.length);
        for (long d : featureShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("input placeholder '" + inputName + "' must have known non-batch"
                        + " dimensions, e.g. [-1, 3] (got: " + Arrays.toString(phShape) + ")");
            }
        }

        Map<String, Match> matches = new LinkedHashMap<>();
        Set<String> needShapes = new LinkedHashSet<>();
        needShapes.add(outputName);
        for (String p : params) {
            Match m = structured ? match(sd, p, upOps) : null;
            if (m != null) {
                matches.put(p, m);
                if (m.input() != null) {
                    needShapes.add(m.input());
                }
                needShapes.add(m.z());
                if (m.biasOf() != null) {
                    needShapes.add(m.biasOf());
                }
            }
        }
        Map<String, long[]> shapes = probeShapes(sd, inputName, featureShape, input.dataType(), needShapes, params);
        long[] outShape = shapes.get(outputName);
        if (outShape.length != 2 || outShape[0] != PROBE_ROWS) {
            throw new IllegalArgumentException("output '" + outputName + "' must have shape [n, o] with one row per"
                    + " example (got: " + Arrays.toString(outShape) + " for " + PROBE_ROWS + " examples)");
        }
        int outputs = Math.toIntExact(outShape[1]);

        // keep only matches whose shapes fit the rank-2 rule
        Map<String, Match> ok = new LinkedHashMap<>();
        for (Match m : matches.values()) {
            if (shapesFit(m, shapes)) {
                ok.put(m.parameter(), m);
            }
        }

        List<StructuredTerm> terms = new ArrayList<>();
        List<long[]> widths = new ArrayList<>();
        Set<String> done = new LinkedHashSet<>();
        for (Match w : ok.values()) {
            if (w.input() == null || w.conv() != null) {
                continue;
            }
            Match bias = null;
            for (Match b : ok.values()) {
                if (b.input() == null && b.conv() == null && !done.contains(b.parameter())
                        && (b.z().equals(w.z())
                        || (w.z().equals(b.biasOf()) && onlyConsumer(sd, w.z(), b.op(), upOps)))) {
                    bias = b;
                    break;
                }
            }
            if (bias != null) {
                terms.add(new StructuredTerm(List.of(w.parameter(), bias.parameter()), w.input(), w.z(), true));
                done.add(bias.parameter());
            } else {
                terms.add(new StructuredTerm(List.of(w.parameter()), w.input(), w.z(), false));
            }
            done.add(w.parameter());
            widths.add(new long[]{shapes.get(w.input())[1], shapes.get(w.z())[1], 0});
        }
        for (Match b : ok.values()) {
            if (b.input() == null && b.conv() == null && done.add(b.parameter())) {
                terms.add(new StructuredTerm(List.of(b.parameter()), null, b.z(), true));
                widths.add(new long[]{0, shapes.get(b.z())[1], 0});
            }
        }
        // conv2d: weight and bias of one op form one term
        Map<String, List<Match>> byOp = new LinkedHashMap<>();
        for (Match m : ok.values()) {
            if (m.conv() != null) {
                byOp.computeIfAbsent(m.op(), k -> new ArrayList<>()).add(m);
            }
        }
        for (List<Match> group : byOp.values()) {
            Match w = group.stream().filter(m -> m.input() != null).findFirst().orElse(null);
            boolean hasBias = group.stream().anyMatch(m -> m.input() == null);
            List<String> ps = group.stream().map(Match::parameter).toList();
            Match any = group.get(0);
            long[] z = shapes.get(any.z());
            long oc = z[1];
            long spatial = z[2] * z[3];
            long k = 0;
            if (w != null) {
                long[] ws = shapes.get(w.parameter());
                k = ws[0] * ws[1] * ws[2] * ws[3] / oc;
            }
            long width = k * oc + (hasBias ? oc : 0);
            long[] pads = new long[4];
            if (w != null) {
                pads = convPadding(any.conv(), shapes.get(w.input()), z);
            }
            long[] args = Arrays.copyOf(any.conv(), 8);
            terms.add(new StructuredTerm(StructuredTerm.Kind.CONV2D, ps, w == null ? null : w.input(), any.z(), hasBias,
                    new long[]{args[0], args[1], args[2], args[3], pads[0], pads[1], pads[2], pads[3], args[6],
                            args[7]}));
            widths.add(new long[]{k, width, (k + oc) * spatial});
            done.addAll(ps);
        }
        List<String> exact = new ArrayList<>();
        for (String p : params) {
            if (!done.contains(p)) {
                exact.add(p);
            }
        }
        return new GraphPlan(params, terms, exact, outputs, featureShape, output.dataType(), widths);
    }

    private static Match match(SameDiff sd, String p, Set<String> upOps) {
        List<String> consumers = new ArrayList<>();
        List<String> all = sd.getVariables().get(p).getInputsForOp();
        if (all != null) {
            for (String o : all) {
                if (upOps.contains(o) && !consumers.contains(o)) {
                    consumers.add(o);
                }
            }
        }
        if (consumers.size() != 1) {
            return null;
        }
        SameDiffOp op = sd.getOps().get(consumers.get(0));
        List<String> in = op.getInputsToOp();
        List<String> out = op.getOutputsOfOp();
        if (in == null || out == null || out.size() != 1 || in.stream().filter(p::equals).count() != 1) {
            return null;
        }
        DifferentialFunction f = op.getOp();
        String z = out.get(0);
        int idx = in.indexOf(p);
        if (f instanceof Mmul mm) {
            if (in.size() != 2 || idx != 1 || isTrainable(sd, in.get(0)) || !plainMmul(mm)) {
                return null;
            }
            return new Match(p, in.get(0), z, null, op.getName());
        }
        if (f instanceof XwPlusB xw) {
            if (in.size() != 3 || isTrainable(sd, in.get(0)) || !zeroIntArgs(xw)) {
                return null;
            }
            if (idx == 1) {
                return new Match(p, in.get(0), z, null, op.getName());
            }
            return idx == 2 ? new Match(p, null, z, null, op.getName()) : null;
        }
        if (f instanceof Conv2D conv) {
            long[] ia = conv.iArgs();
            if ((in.size() != 2 && in.size() != 3) || isTrainable(sd, in.get(0)) || ia == null || ia.length < 10
                    || ia[9] != 0 || (ia[8] != 0 && ia[8] != 1)) {
                return null;
            }
            if (idx == 1) {
                return new Match(p, in.get(0), z, null, op.getName(), ia.clone());
            }
            return idx == 2 ? new Match(p, null, z, null, op.getName(), ia.clone()) : null;
        }
        if (f instanceof BiasAdd) {
            return in.size() == 2 && idx == 1 ? new Match(p, null, z, in.get(0), op.getName()) : null;
        }
        if (f instanceof AddOp) {
            if (in.size() != 2 || isTrainable(sd, in.get(1 - idx))) {
                return null;
            }
            return new Match(p, null, z, in.get(1 - idx), op.getName());
        }
        return null;
    }

    private static boolean shapesFit(Match m, Map<String, long[]> s) {
        if (m.conv() != null) {
            long[] z = s.get(m.z());
            long[] p = s.get(m.parameter());
            if (z == null || z.length != 4 || z[0] != PROBE_ROWS || p == null) {
                return false;
            }
            if (m.input() == null) {
                return p.length == 1 && p[0] == z[1];
            }
            long[] a = s.get(m.input());
            return a != null && a.length == 4 && a[0] == PROBE_ROWS && p.length == 4;
        }
        long[] z = s.get(m.z());
        if (z == null || z.length != 2 || z[0] != PROBE_ROWS) {
            return false;
        }
        long[] p = s.get(m.parameter());
        if (m.input() != null) {
            long[] a = s.get(m.input());
            return a != null && a.length == 2 && a[0] == PROBE_ROWS && p != null && p.length == 2;
        }
        boolean biasShape = p != null
                && ((p.length == 1 && p[0] == z[1]) || (p.length == 2 && p[0] == 1 && p[1] == z[1]));
        if (m.biasOf() == null) {
            return biasShape && p.length == 1;
        }
        long[] pre = s.get(m.biasOf());
        return biasShape && pre != null && Arrays.equals(pre, z);
    }

    /**
     * Explicit padding {@code [top, bottom, left, right]} of a conv2d: the given {@code pH, pW} in VALID mode, and in
     * SAME mode libnd4j's {@code total = (o − 1)·s + (k − 1)·d + 1 − i}, {@code top = ⌊total / 2⌋}, the rest at the
     * bottom (same for width).
     */
    private static long[] convPadding(long[] a, long[] in, long[] out) {
        if (a[8] == 0) {
            return new long[]{a[4], a[4], a[5], a[5]};
        }
        long th = Math.max(0, (out[2] - 1) * a[2] + (a[0] - 1) * a[6] + 1 - in[2]);
        long tw = Math.max(0, (out[3] - 1) * a[3] + (a[1] - 1) * a[7] + 1 - in[3]);
        return new long[]{th / 2, th - th / 2, tw / 2, tw - tw / 2};
    }

    private static boolean onlyConsumer(SameDiff sd, String var, String op, Set<String> upOps) {
        List<String> consumers = sd.getVariables().get(var).getInputsForOp();
        if (consumers == null) {
            return false;
        }
        for (String c : consumers) {
            if (upOps.contains(c) && !c.equals(op)) {
                return false;
            }
        }
        return true;
    }

    private static boolean plainMmul(Mmul mm) {
        Map<String, Object> props = mm.propertiesForFunction();
        boolean ta = Boolean.TRUE.equals(props.get("transposeA"));
        boolean tr = Boolean.TRUE.equals(props.get("transposeResult"));
        long[] ia = mm.iArgs();
        if (ia != null && ((ia.length > 0 && ia[0] != 0) || (ia.length > 2 && ia[2] != 0))) {
            return false;
        }
        double[] ta2 = mm.tArgs();
        boolean unitAlpha = ta2 == null || ta2.length == 0 || ta2[0] == 1.0;
        return !ta && !tr && unitAlpha;
    }

    private static boolean zeroIntArgs(DynamicCustomOp op) {
        long[] ia = op.iArgs();
        if (ia != null) {
            for (long v : ia) {
                if (v != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isTrainable(SameDiff sd, String name) {
        return sd.getVariable(name).getVariableType() == VariableType.VARIABLE;
    }

    private static Map<String, long[]> probeShapes(SameDiff sd, String inputName, long[] featureShape, DataType type,
                                                   Set<String> arrays, List<String> params) {
        long[] shape = new long[featureShape.length + 1];
        shape[0] = PROBE_ROWS;
        System.arraycopy(featureShape, 0, shape, 1, featureShape.length);
        Map<String, long[]> shapes = new HashMap<>();
        List<String> computed = new ArrayList<>();
        for (String a : arrays) {
            SDVariable v = sd.getVariable(a);
            if (v.getVariableType() == VariableType.ARRAY) {
                computed.add(a);
            } else if (v.getVariableType() == VariableType.PLACEHOLDER) {
                shapes.put(a, shape.clone());
            } else if (v.getArr() != null) {
                shapes.put(a, v.getArr().shape());
            }
        }
        for (String p : params) {
            shapes.put(p, sd.getVariable(p).getArr().shape());
        }
        Map<String, INDArray> out;
        try {
            out = sd.output(Map.of(inputName, Nd4j.zeros(type, shape)), computed);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the graph could not be run on features of shape "
                    + Arrays.toString(shape)
                    + " fed to '" + inputName + "': " + e.getMessage(), e);
        }
        for (String c : computed) {
            shapes.put(c, out.get(c).shape());
        }
        return shapes;
    }

    private static void requireVariable(SameDiff sd, String name, String role) {
        if (name == null || !sd.hasVariable(name)) {
            throw new IllegalArgumentException("no variable named '" + name + "' (the " + role + ") in the graph;"
                    + " placeholders: " + names(sd, VariableType.PLACEHOLDER)
                    + (role.equals("output") ? ", computed variables include: " + lastArrays(sd) : ""));
        }
    }

    private static List<String> names(SameDiff sd, VariableType type) {
        List<String> r = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == type) {
                r.add(v.name());
            }
        }
        return r;
    }

    private static List<String> lastArrays(SameDiff sd) {
        List<String> r = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            List<String> consumers = sd.getVariables().get(v.name()).getInputsForOp();
            if (v.getVariableType() == VariableType.ARRAY && (consumers == null || consumers.isEmpty())) {
                r.add(v.name());
            }
        }
        return r;
    }

    private static List<String> placeholdersIn(SameDiff sd, Set<String> vars) {
        List<String> r = new ArrayList<>();
        for (String v : vars) {
            if (sd.hasVariable(v) && sd.getVariable(v).getVariableType() == VariableType.PLACEHOLDER) {
                r.add(v);
            }
        }
        return r;
    }
}
