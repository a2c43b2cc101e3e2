package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;

import java.util.Map;
import java.util.function.Function;

/**
 * The registry of structured rules, keyed by the exact DL4J layer configuration class. A layer whose class is not
 * here (or whose rule declines it) gets the exact {@link GenericLayerRule}.
 */
public final class LayerRules {
    private static final Map<Class<?>, Function<Layer, UnitRule>> RULES = Map.of(
            DenseLayer.class, l -> ((DenseLayer) l.conf().getLayer()).hasLayerNorm() ? null : new DenseRule(l),
            BatchNormalization.class, BatchNormRule::new,
            EmbeddingLayer.class, EmbeddingRule::new,
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer.class, ConvolutionRule::forLayer);

    private LayerRules() {
    }

    /**
     * @param layer      a layer of the engine's twin network
     * @return the rule for the layer
     */
    public static UnitRule of(Layer layer) {
        if (layer instanceof org.deeplearning4j.nn.layers.FrozenLayer) {
            return new GenericLayerRule(layer); // DL4J stops the backward pass at a FrozenLayer
        }
        Function<Layer, UnitRule> f = RULES.get(layer.conf().getLayer().getClass());
        UnitRule r = f == null ? null : f.apply(layer);
        if (r != null) {
            return r;
        }
        return new GenericLayerRule(layer);
    }
}
