package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;

/**
 * The exact per-example rule of a SameDiff-backed DL4J layer (SelfAttentionLayer, LearnedSelfAttentionLayer,
 * RecurrentAttentionLayer, user SameDiffLayer and SameDiffLambdaLayer): the generic rule through the layer's own
 * SameDiff backward pass, with the doubled seed of DL4J's external-errors function undone ({@link SameDiffSeed}).
 */
final class SameDiffLayerRule extends GenericLayerRule {
    private final String what;
    private double correction = Double.NaN;

    SameDiffLayerRule(Layer layer) {
        super(layer);
        this.what = "layer '" + layer.conf().getLayer().getLayerName() + "' ("
                + layer.conf().getLayer().getClass().getSimpleName() + ")";
    }

    @Override
    protected double correction() {
        if (Double.isNaN(correction)) {
            correction = SameDiffSeed.correction(layer, what);
        }
        return correction;
    }
}
