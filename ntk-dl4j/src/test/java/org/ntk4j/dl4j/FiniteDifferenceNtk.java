package org.ntk4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Independent reference: the NTK from central finite differences of {@code output(x)} of a DOUBLE network, perturbing
 * each trainable parameter in place and restoring it exactly. Trainable = every entry of the parameter table except
 * BatchNormalization's running statistics and the layers named as frozen by the caller.
 */
public final class FiniteDifferenceNtk {
    private FiniteDifferenceNtk() {
    }

    /** @return FULL kernel {@code [n1, n2, o, o]} */
    public static INDArray full(Model model, INDArray[] x1, INDArray[] x2, Set<String> frozenPrefixes, double h) {
        return full(outputFn(model), outputFn(model), model, x1, x2, frozenPrefixes, h);
    }

    /** @return FULL kernel {@code [n1, n2, m, m]} of the given flattened outputs of x1 and x2 */
    public static INDArray full(Function<INDArray[], INDArray> out1, Function<INDArray[], INDArray> out2, Model model,
                                INDArray[] x1, INDArray[] x2, Set<String> frozenPrefixes, double h) {
        INDArray j1 = jacobian(model, out1, x1, frozenPrefixes, h);
        INDArray j2 = jacobian(model, out2, x2, frozenPrefixes, h);
        // j: [n, o, P]
        long n1 = j1.size(0), n2 = j2.size(0), o = j1.size(1), p = j1.size(2);
        INDArray k = j1.reshape('c', n1 * o, p).mmul(j2.reshape('c', n2 * o, p).transpose());
        return k.reshape('c', n1, o, n2, o).permute(0, 2, 1, 3).dup('c');
    }

    /** @return TRACE kernel {@code [n1, n2]} (mean over outputs) */
    public static INDArray trace(Model model, INDArray[] x1, INDArray[] x2, Set<String> frozenPrefixes, double h) {
        INDArray f = full(model, x1, x2, frozenPrefixes, h);
        long o = f.size(2);
        INDArray acc = Nd4j.zeros(DataType.DOUBLE, f.size(0), f.size(1));
        for (long k = 0; k < o; k++) {
            acc.addi(f.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(k), org.nd4j.linalg.indexing.NDArrayIndex.point(k)));
        }
        return acc.divi(o);
    }

    /**
     * The flattened output {@code [n, m]}: every output array of the network in order, each example's entries in
     * row-major (C) order, concatenated per example; multiplied by the label mask where one is given.
     */
    static Function<INDArray[], INDArray> outputFn(Model model) {
        return outputFn(model, null, null);
    }

    /**
     * @param featureMasks per network input, or null (given to DL4J's output)
     * @param zeroedSteps  per network output a mask {@code [n, T]} of an NCW sequence output: its entries at masked
     *                     steps are set to zero (masked steps are not outputs), or null
     */
    static Function<INDArray[], INDArray> outputFn(Model model, INDArray[] featureMasks, INDArray[] zeroedSteps) {
        if (model instanceof MultiLayerNetwork m) {
            return x -> flatten(new INDArray[]{m.output(x[0], false, featureMasks == null ? null : featureMasks[0],
                    null)}, zeroedSteps);
        }
        ComputationGraph g = (ComputationGraph) model;
        return x -> flatten(featureMasks == null ? g.output(false, x) : g.output(false, x, featureMasks, null),
                zeroedSteps);
    }

    static INDArray flatten(INDArray[] outs, INDArray[] labelMasks) {
        long n = outs[0].size(0);
        List<INDArray> parts = new ArrayList<>();
        for (int h = 0; h < outs.length; h++) {
            INDArray o = outs[h].castTo(DataType.DOUBLE).dup('c');
            if (labelMasks != null && labelMasks[h] != null) {
                INDArray lm = labelMasks[h].castTo(DataType.DOUBLE);
                // a sequence mask [n, T] applies to every output of a time step; NCW output [n, o, T]
                for (long i = 0; i < n; i++) {
                    for (long t = 0; t < lm.size(1); t++) {
                        if (lm.getDouble(i, t) == 0.0) {
                            o.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                                    org.nd4j.linalg.indexing.NDArrayIndex.point(t)).assign(0.0);
                        }
                    }
                }
            }
            parts.add(o.reshape('c', n, o.length() / n));
        }
        return parts.size() == 1 ? parts.get(0) : Nd4j.hstack(parts.toArray(new INDArray[0]));
    }

    private static INDArray jacobian(Model model, Function<INDArray[], INDArray> out, INDArray[] x,
                                     Set<String> frozenPrefixes, double h) {
        List<INDArray> cols = new ArrayList<>();
        Map<String, INDArray> table = model.paramTable();
        for (Map.Entry<String, INDArray> e : table.entrySet()) {
            String key = e.getKey();
            if (key.endsWith("_mean") || key.endsWith("_var") || key.endsWith("_log10stdev")) {
                continue;
            }
            String prefix = key.substring(0, key.lastIndexOf('_'));
            if (frozenPrefixes.contains(prefix)) {
                continue;
            }
            INDArray p = e.getValue();
            INDArray flat = p.reshape(p.ordering(), new long[]{p.length()});
            for (long i = 0; i < p.length(); i++) {
                double v = flat.getDouble(i);
                flat.putScalar(i, v + h);
                INDArray plus = out.apply(x);
                flat.putScalar(i, v - h);
                INDArray minus = out.apply(x);
                flat.putScalar(i, v);
                cols.add(plus.subi(minus).divi(2 * h));
            }
        }
        INDArray first = cols.get(0);
        long n = first.size(0), o = first.size(1);
        INDArray j = Nd4j.create(DataType.DOUBLE, n, o, cols.size());
        for (int c = 0; c < cols.size(); c++) {
            j.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.point(c)).assign(cols.get(c));
        }
        return j;
    }
}
