package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Structured rule of an EmbeddingLayer {@code out = σ(W[idx] + b)}: the per-example gradient is
 * {@code onehot(idx) ⊗ Δ} (plus {@code Δ} for the bias), so {@code Θ_l = ([idx = idx'] + 1) ⊙ (Δ Δ'ᵀ)}.
 * Inputs are indices {@code [n, 1]}; there is no epsilon below.
 */
public final class EmbeddingRule extends GenericLayerRule {
    private final INDArray w;
    private final INDArray b;
    private final IActivation activation;
    private final boolean trainW;
    private final boolean trainB;

    /** @param layer an EmbeddingLayer of the twin network */
    public EmbeddingRule(Layer layer) {
        super(layer);
        this.w = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);
        this.b = layer.paramTable().get(DefaultParamInitializer.BIAS_KEY);
        this.activation = ((BaseLayer) layer.conf().getLayer()).getActivationFn();
        this.trainW = trainable.contains(DefaultParamInitializer.WEIGHT_KEY);
        this.trainB = b != null && trainable.contains(DefaultParamInitializer.BIAS_KEY);
    }

    @Override
    public Forward forward(INDArray[] inputs) {
        INDArray idx = inputs[0];
        if (!(idx.rank() == 2 && idx.size(1) == 1) && idx.rank() != 1) {
            throw new IllegalArgumentException("embedding layer '" + layer.conf().getLayer().getLayerName()
                    + "' expects indices [n, 1], got " + Arrays.toString(idx.shape()));
        }
        long n = idx.size(0);
        int[] rows = new int[(int) n];
        for (int i = 0; i < n; i++) {
            double v = idx.getDouble(i);
            if (v != Math.rint(v) || v < 0 || v >= w.size(0)) {
                throw new IllegalArgumentException("embedding layer '" + layer.conf().getLayer().getLayerName()
                        + "' expects integer indices in [0, " + w.size(0) + "), got " + v + " at example " + i);
            }
            rows[i] = (int) v;
        }
        INDArray z = w.getRows(rows);
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
        INDArray delta = activation instanceof ActivationIdentity ? eps
                : activation.backprop(outputs == 1 ? z.dup() : Stacking.repeatExamples(z, outputs), eps).getFirst();
        Factor f = null;
        if (trainW || trainB) {
            f = mode == ParamMode.JACOBIAN
                    ? new GradientFactor(perExampleGradients(inputs[0], eps, outputs), outputs)
                    : new GramFactor(new GramFactor.IndexGram(inputs[0].reshape(-1).castTo(delta.dataType()), trainW, trainB),
                    delta, outputs);
        }
        return new Backward(new INDArray[]{null}, f);
    }

    @Override
    public boolean structured() {
        return true;
    }
}
