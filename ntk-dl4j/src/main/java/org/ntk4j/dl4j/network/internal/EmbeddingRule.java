package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Structured rule of an EmbeddingLayer {@code out = σ(W[idx] + b)}: the per-example gradient is
 * {@code onehot(idx) ⊗ Δ} (plus {@code Δ} for the bias), so {@code Θ_l = ([idx = idx'] + 1) ⊙ (Δ Δ'ᵀ)}.
 * Inputs are indices {@code [n, 1]}; there is no epsilon below.
 */
public final class EmbeddingRule extends OuterProductRule {
    /** @param layer an EmbeddingLayer of the twin network */
    public EmbeddingRule(Layer layer) {
        super(layer);
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
        return finishForward(w.getRows(rows));
    }

    @Override
    public Backward backward(INDArray[] inputs, Forward fwd, INDArray eps, int outputs, ParamMode mode,
                             boolean needInputEps) {
        INDArray z = (INDArray) fwd.cache();
        INDArray delta = delta(z, eps, outputs);
        GramFactor.Gram gram = new GramFactor.IndexGram(inputs[0].reshape(-1).castTo(delta.dataType()), trainW, trainB);
        return new Backward(new INDArray[]{null}, factor(inputs[0], eps, outputs, mode, gram, delta));
    }
}
