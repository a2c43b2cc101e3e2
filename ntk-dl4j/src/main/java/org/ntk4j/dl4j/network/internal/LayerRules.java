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
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer.class, ConvolutionRule::forLayer,
            org.deeplearning4j.nn.conf.layers.RnnOutputLayer.class, SequenceOutputRule::new,
            org.deeplearning4j.nn.conf.layers.RnnLossLayer.class, PerPositionActivationRule::rnn,
            org.deeplearning4j.nn.conf.layers.CnnLossLayer.class, PerPositionActivationRule::cnn,
            org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer.class, PerPositionActivationRule::cnn3d);

    /**
     * Rules for whole families of layers, keyed by a configuration base class and found by walking the layer's
     * configuration class up its superclasses (user subclasses included).
     */
    private static final Map<Class<?>, Function<Layer, UnitRule>> FAMILIES = Map.of(
            org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer.class, SameDiffLayerRule::new);

    private LayerRules() {
    }

    /** How to find the layer inside a wrapper configuration, keyed by a wrapper base class. */
    private static final Map<Class<?>, Function<org.deeplearning4j.nn.conf.layers.Layer,
            org.deeplearning4j.nn.conf.layers.Layer>> UNWRAP = Map.of(
            org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer.class,
            l -> ((org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer) l).getUnderlying(),
            org.deeplearning4j.nn.conf.layers.misc.FrozenLayer.class,
            l -> ((org.deeplearning4j.nn.conf.layers.misc.FrozenLayer) l).getLayer(),
            org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional.class,
            l -> ((org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional) l).getFwd());

    /** @return the layer configuration inside a wrapper, or null when {@code conf} is not a wrapper */
    static org.deeplearning4j.nn.conf.layers.Layer unwrap(org.deeplearning4j.nn.conf.layers.Layer conf) {
        for (Class<?> c = conf.getClass(); c != null; c = c.getSuperclass()) {
            Function<org.deeplearning4j.nn.conf.layers.Layer, org.deeplearning4j.nn.conf.layers.Layer> u = UNWRAP.get(c);
            if (u != null) {
                return u.apply(conf);
            }
        }
        return null;
    }

    /** A wrapper hides a SameDiff layer's doubled backward pass from {@link SameDiffSeed}: refuse it by name. */
    private static void refuseWrappedSameDiff(org.deeplearning4j.nn.conf.layers.Layer top) {
        for (org.deeplearning4j.nn.conf.layers.Layer in = unwrap(top); in != null; in = unwrap(in)) {
            if (in instanceof org.deeplearning4j.nn.conf.layers.samediff.AbstractSameDiffLayer) {
                throw new UnsupportedOperationException("layer '" + top.getLayerName() + "' ("
                        + top.getClass().getSimpleName() + ") wraps the SameDiff-backed " + in.getClass().getSimpleName()
                        + ", whose DL4J gradients ntk4j can correct only when it is used directly:"
                        + " use the layer without the wrapper");
            }
        }
    }

    /**
     * @param layer      a layer of the engine's twin network
     * @return the rule for the layer
     */
    public static UnitRule of(Layer layer) {
        if (layer instanceof org.deeplearning4j.nn.layers.FrozenLayer) {
            return new GenericLayerRule(layer); // DL4J stops the backward pass at a FrozenLayer
        }
        if (layer instanceof org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer w
                && !(layer instanceof org.deeplearning4j.nn.layers.FrozenLayerWithBackprop)) {
            // LastTimeStep, TimeDistributed, MaskZeroLayer, ...: conf() is the wrapped layer's, the behaviour is not
            for (Layer in = w.getUnderlying(); in != null; in = in instanceof org.deeplearning4j.nn.layers.wrapper
                    .BaseWrapperLayer iw ? iw.getUnderlying() : null) {
                if (in instanceof org.deeplearning4j.nn.layers.samediff.SameDiffLayer) {
                    throw new UnsupportedOperationException("layer '" + layer.conf().getLayer().getLayerName() + "' ("
                            + layer.getClass().getSimpleName() + ") wraps the SameDiff-backed "
                            + in.conf().getLayer().getClass().getSimpleName() + ", whose DL4J gradients ntk4j can"
                            + " correct only when it is used directly: use the layer without the wrapper");
                }
            }
            return layer instanceof org.deeplearning4j.nn.layers.recurrent.LastTimeStepLayer
                    ? new LastTimeStepRule(layer) : new GenericLayerRule(layer);
        }
        refuseWrappedSameDiff(layer.conf().getLayer());
        Function<Layer, UnitRule> f = RULES.get(layer.conf().getLayer().getClass());
        UnitRule r = f == null ? null : f.apply(layer);
        if (r != null) {
            return r;
        }
        for (Class<?> c = layer.conf().getLayer().getClass(); c != null; c = c.getSuperclass()) {
            Function<Layer, UnitRule> family = FAMILIES.get(c);
            if (family != null) {
                return family.apply(layer);
            }
        }
        return new GenericLayerRule(layer);
    }
}
