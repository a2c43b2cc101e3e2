package org.ntk4j.dl4j.samediff.internal;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Inspects a SameDiff graph for the NTK transform, in steps: the input and output are checked
 * ({@link #requireEndpoints}), the part of the graph the output depends on is found ({@link Upstream}), its trainable
 * variables are listed, each one used by a single op is offered to the {@link OpRules op rule} of that op's class,
 * the shapes of one forward pass on a batch of two zero rows decide which matches fit, and the matches are grouped
 * into {@link StructuredTerm}s ({@link TermAssembler}). Every other trainable variable takes the exact per-example
 * path.
 */
public final class GraphInspector {
    /** Batch size of the shape probe (two rows: SameDiff M2.1 has bugs for minibatch 1). */
    static final int PROBE_ROWS = 2;

    private GraphInspector() {
    }

    /** The variables and ops the output depends on. */
    private record Upstream(Set<String> variables, Set<String> ops) {
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
        requireEndpoints(sd, inputName, outputName);
        Upstream up = upstream(sd, outputName);
        requireSingleInput(sd, up, inputName, outputName);
        List<String> params = trainables(sd, up, outputName);
        long[] featureShape = featureShape(sd.getVariable(inputName));
        List<OpMatch> matches = structured ? matches(sd, params, up) : List.of();

        Set<String> needShapes = new LinkedHashSet<>();
        needShapes.add(outputName);
        matches.forEach(m -> needShapes.addAll(m.arrays()));
        Map<String, long[]> shapes = probeShapes(sd, inputName, featureShape, needShapes, params);
        int outputs = outputs(outputName, shapes.get(outputName));

        List<OpMatch> fitting = matches.stream().filter(m -> m.fits(shapes)).toList();
        List<StructuredTerm> terms = TermAssembler.assemble(fitting, shapes,
                b -> onlyConsumer(sd, b.pre(), b.op(), up.ops()));
        Set<String> covered = new LinkedHashSet<>();
        terms.forEach(t -> covered.addAll(t.parameters()));
        List<String> exact = params.stream().filter(p -> !covered.contains(p)).toList();
        return new GraphPlan(params, terms, exact, outputs, featureShape, sd.getVariable(outputName).dataType());
    }

    private static void requireEndpoints(SameDiff sd, String inputName, String outputName) {
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
    }

    private static Upstream upstream(SameDiff sd, String outputName) {
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
        return new Upstream(upVars, upOps);
    }

    private static void requireSingleInput(SameDiff sd, Upstream up, String inputName, String outputName) {
        if (!up.variables().contains(inputName)) {
            throw new IllegalArgumentException("output '" + outputName + "' does not depend on the input '" + inputName
                    + "'; placeholders it depends on: " + placeholdersIn(sd, up.variables()));
        }
        List<String> others = new ArrayList<>(placeholdersIn(sd, up.variables()));
        others.remove(inputName);
        if (!others.isEmpty()) {
            throw new IllegalArgumentException("output '" + outputName + "' depends on placeholder(s) " + others
                    + " besides the input '" + inputName + "'; the NTK is taken w.r.t. one input: make the others"
                    + " constants (SameDiff.convertToConstants) or compute the output from the input alone");
        }
    }

    private static List<String> trainables(SameDiff sd, Upstream up, String outputName) {
        List<String> params = new ArrayList<>();
        for (String name : sd.getVariables().keySet()) {
            SDVariable v = sd.getVariable(name);
            if (up.variables().contains(name) && v.getVariableType() == VariableType.VARIABLE
                    && v.dataType().isFPType()) {
                params.add(name);
            }
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException("output '" + outputName + "' depends on no trainable (VARIABLE, floating"
                    + " point) variable, so its NTK is zero; trainable variables of the graph: "
                    + names(sd, VariableType.VARIABLE));
        }
        return params;
    }

    private static long[] featureShape(SDVariable input) {
        long[] phShape = input.getShape();
        if (phShape == null || phShape.length < 2) {
            throw new IllegalArgumentException("input placeholder '" + input.name()
                    + "' must have a known shape [-1, d, ...] with the batch first (got: " + Arrays.toString(phShape)
                    + ")");
        }
        long[] featureShape = Arrays.copyOfRange(phShape, 1, phShape.length);
        for (long d : featureShape) {
            if (d <= 0) {
                throw new IllegalArgumentException("input placeholder '" + input.name() + "' must have known non-batch"
                        + " dimensions, e.g. [-1, 3] (got: " + Arrays.toString(phShape) + ")");
            }
        }
        return featureShape;
    }

    /** Offers each parameter used once, by one op upstream of the output, to that op's rule. */
    private static List<OpMatch> matches(SameDiff sd, List<String> params, Upstream up) {
        List<OpMatch> r = new ArrayList<>();
        for (String p : params) {
            use(sd, p, up.ops()).flatMap(OpRules::match).ifPresent(r::add);
        }
        return r;
    }

    private static Optional<OpRule.Use> use(SameDiff sd, String p, Set<String> upOps) {
        List<String> consumers = new ArrayList<>();
        List<String> all = sd.getVariables().get(p).getInputsForOp();
        if (all != null) {
            all.stream().filter(o -> upOps.contains(o) && !consumers.contains(o)).forEach(consumers::add);
        }
        if (consumers.size() != 1) {
            return Optional.empty();
        }
        SameDiffOp op = sd.getOps().get(consumers.get(0));
        List<String> in = op.getInputsToOp();
        List<String> out = op.getOutputsOfOp();
        if (in == null || out == null || out.size() != 1 || in.stream().filter(p::equals).count() != 1) {
            return Optional.empty();
        }
        return Optional.of(new OpRule.Use(sd, op, p, in.indexOf(p), List.copyOf(in), out.get(0)));
    }

    private static int outputs(String outputName, long[] outShape) {
        if (outShape.length != 2 || outShape[0] != PROBE_ROWS) {
            throw new IllegalArgumentException("output '" + outputName + "' must have shape [n, o] with one row per"
                    + " example (got: " + Arrays.toString(outShape) + " for " + PROBE_ROWS + " examples)");
        }
        return Math.toIntExact(outShape[1]);
    }

    private static boolean onlyConsumer(SameDiff sd, String var, String op, Set<String> upOps) {
        List<String> consumers = sd.getVariables().get(var).getInputsForOp();
        return consumers != null && consumers.stream().noneMatch(c -> upOps.contains(c) && !c.equals(op));
    }

    private static Map<String, long[]> probeShapes(SameDiff sd, String inputName, long[] featureShape,
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
            out = sd.output(Map.of(inputName, Nd4j.zeros(sd.getVariable(inputName).dataType(), shape)), computed);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the graph could not be run on features of shape "
                    + Arrays.toString(shape) + " fed to '" + inputName + "': " + e.getMessage(), e);
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
