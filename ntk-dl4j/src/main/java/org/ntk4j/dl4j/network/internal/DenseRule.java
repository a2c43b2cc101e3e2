package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Structured rule of a dense layer {@code out = σ(a W + b)} (DenseLayer, and OutputLayer once its loss is removed):
 * {@code Θ_l = (A A'ᵀ + 1) ⊙ (Δ Δ'ᵀ)} with {@code Δ = σ'(z) ⊙ ε} per example and output; for softmax and other
 * non-elementwise activations {@code Δ} is the activation's own backward pass. Epsilons below: {@code Δ Wᵀ}.
 */
public final class DenseRule extends GenericLayerRule {
    private final INDArray w;
    private final INDArray b;
    private final IActivation activation;
    private final boolean trainW;
    private final boolean trainB;

    /** @param layer a dense-like layer of the twin network */
    public DenseRule(Layer layer) {
        super(layer);
        this.w = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
        this.b = layer.paramTable().get(DefaultParamInitializer.BIAS_KEY);
        this.activation = ((BaseLayer) layer.conf().getLayer()).getActivationFn();
        this.trainW = trainable.contains(DefaultParamInitializer.WEIGHT_KEY);
        this.trainB = b != null && trainable.contains(DefaultParamInitializer.BIAS_KEY);
    }

    @Override
    public Forward forward(INDArray[] inputs) {
        INDArray a = inputs[0];
        if (a.rank() != 2 || a.size(1) != w.size(0)) {
            throw new IllegalArgumentException("layer '" + layer.conf().getLayer().getLayerName() + "' expects input [n, "
                    + w.size(0) + "], got " + Arrays.toString(a.shape()));
        }
        INDArray z = a.mmul(w);
        if (b != null) {
            z.addiRowVector(b);
        }
        INDArray out = activation.getActivation(z.dup(), false);
        return new Forward(out, z);
    }

    @Override
    public Backward backward(INDArray[] inputs, Forward fwd, INDArray eps, int outputs, ParamMode mode,
                             boolean needInputEps) {
        INDArray z = (INDArray) fwd.cache();
        INDArray delta;
        if (activation instanceof ActivationIdentity) {
            delta = eps;
        } else {
            INDArray zr = outputs == 1 ? z.dup() : Stacking.repeatExamples(z, outputs);
            delta = activation.backprop(zr, eps).getFirst();
        }
        INDArray epsIn = needInputEps ? delta.mmul(w.transpose()) : null;
        Factor f = null;
        if (trainW || trainB) {
            f = mode == ParamMode.JACOBIAN
                    ? new GradientFactor(perExampleGradients(inputs[0], eps, outputs), outputs)
                    : new GramFactor(new GramFactor.DenseGram(inputs[0], trainW, trainB), delta, outputs);
        }
        return new Backward(new INDArray[]{epsIn}, f);
    }

    @Override
    public boolean structured() {
        return true;
    }
}
