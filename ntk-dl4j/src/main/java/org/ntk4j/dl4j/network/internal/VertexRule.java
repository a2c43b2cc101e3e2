package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A parameter-free ComputationGraph vertex (merge, element-wise, subset, scale, ...): forward and backward through
 * DL4J's own {@code doForward}/{@code doBackward} on the examples repeated once per output.
 */
public final class VertexRule implements UnitRule {
    private final GraphVertex vertex;
    /** The masks of the vertex inputs on the current block, or null when there are none. */
    private INDArray[] masks;

    /** @param vertex a vertex of the twin graph without parameters */
    public VertexRule(GraphVertex vertex) {
        if (vertex.numParams() > 0) {
            throw new UnsupportedOperationException("graph vertex '" + vertex.getVertexName() + "' ("
                    + vertex.getClass().getSimpleName() + ") has parameters outside a layer; ntk4j supports parameters in layers only");
        }
        this.vertex = vertex;
    }

    @Override
    public Forward forward(INDArray[] inputs) {
        INDArray[] copies = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            copies[i] = inputs[i].dup();
        }
        vertex.setInputs(copies);
        applyMasks(1, inputs[0].size(0));
        INDArray out = vertex.doForward(false, GenericLayerRule.mgr());
        vertex.clear();
        return new Forward(out, null);
    }

    @Override
    public Backward backward(INDArray[] inputs, Forward fwd, INDArray eps, int outputs, ParamMode mode,
                             boolean needInputEps) {
        if (!needInputEps) {
            return new Backward(new INDArray[inputs.length], null);
        }
        INDArray[] rep = new INDArray[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            rep[i] = outputs == 1 ? inputs[i].dup() : Stacking.repeatExamples(inputs[i], outputs);
        }
        vertex.setInputs(rep);
        applyMasks(outputs, rep[0].size(0));
        vertex.doForward(false, GenericLayerRule.mgr());
        vertex.setEpsilon(eps);
        Pair<Gradient, INDArray[]> p = vertex.doBackward(false, GenericLayerRule.mgr());
        // a SameDiff vertex (SameDiffLambdaVertex, ...) doubles its epsilons like SameDiff layers: see SameDiffSeed
        double c = vertex instanceof org.deeplearning4j.nn.layers.samediff.SameDiffGraphVertex
                ? SameDiffSeed.correction(vertex, "graph vertex '" + vertex.getVertexName() + "'") : 1.0;
        INDArray[] out = new INDArray[inputs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = p.getSecond()[i] == null ? null : p.getSecond()[i].dup();
            if (out[i] != null && c != 1.0) {
                out[i].muli(c);
            }
        }
        vertex.clear();
        return new Backward(out, null);
    }

    @Override
    public INDArray mask(INDArray[] inputMasks, long n) {
        boolean any = false;
        for (INDArray m : inputMasks) {
            any |= m != null;
        }
        this.masks = any ? inputMasks.clone() : null;
        if (!any) {
            return null;
        }
        Pair<INDArray, org.deeplearning4j.nn.api.MaskState> p = vertex.feedForwardMaskArrays(masks,
                org.deeplearning4j.nn.api.MaskState.Active, (int) n);
        vertex.clear();
        return p == null ? null : p.getFirst();
    }

    private void applyMasks(int times, long rows) {
        if (masks == null) {
            return;
        }
        INDArray[] m = new INDArray[masks.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = masks[i] == null ? null : Stacking.repeatExamples(masks[i], times);
        }
        vertex.feedForwardMaskArrays(m, org.deeplearning4j.nn.api.MaskState.Active, (int) rows);
    }

    @Override
    public boolean hasParameters() {
        return false;
    }
}
