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
        vertex.doForward(false, GenericLayerRule.mgr());
        vertex.setEpsilon(eps);
        Pair<Gradient, INDArray[]> p = vertex.doBackward(false, GenericLayerRule.mgr());
        INDArray[] out = new INDArray[inputs.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = p.getSecond()[i] == null ? null : p.getSecond()[i].dup();
        }
        vertex.clear();
        return new Backward(out, null);
    }

    @Override
    public boolean hasParameters() {
        return false;
    }
}
