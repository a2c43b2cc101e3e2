package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Structured rule of a dense layer {@code out = σ(a W + b)} (DenseLayer, and OutputLayer once its loss is removed):
 * {@code Θ_l = (A A'ᵀ + 1) ⊙ (Δ Δ'ᵀ)} with {@code Δ = σ'(z) ⊙ ε} per example and output; for softmax and other
 * non-elementwise activations {@code Δ} is the activation's own backward pass. Epsilons below: {@code Δ Wᵀ}.
 */
public final class DenseRule extends OuterProductRule {
    /** @param layer a dense-like layer of the twin network */
    public DenseRule(Layer layer) {
        super(layer);
    }

    @Override
    public Forward forward(INDArray[] inputs) {
        INDArray a = inputs[0];
        if (a.rank() != 2 || a.size(1) != w.size(0)) {
            throw new IllegalArgumentException("layer '" + layer.conf().getLayer().getLayerName() + "' expects input [n, "
                    + w.size(0) + "], got " + Arrays.toString(a.shape()));
        }
        return finishForward(a.mmul(w));
    }

    @Override
    public Backward backward(INDArray[] inputs, Forward fwd, INDArray eps, int outputs, ParamMode mode,
                             boolean needInputEps) {
        INDArray z = (INDArray) fwd.cache();
        INDArray delta = delta(z, eps, outputs);
        INDArray epsIn = needInputEps ? delta.mmul(w.transpose()) : null;
        return new Backward(new INDArray[]{epsIn}, factor(inputs[0], eps, outputs, mode,
                new GramFactor.DenseGram(inputs[0], trainW, trainB), delta));
    }
}
