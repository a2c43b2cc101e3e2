package org.ntk4j.dl4j.network.internal;

import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.nd4j.linalg.activations.Activation;

import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Rewrites layer configurations for the engine's private twin network, which shares the original's parameter array:
 * output layers lose their loss (OutputLayer becomes a DenseLayer with the same parameters and activation, LossLayer
 * an ActivationLayer), and dropout and weight noise are removed (inference mode). The user's configuration is cloned
 * first and never modified.
 */
public final class TwinConfigs {
    private static final Map<Class<?>, UnaryOperator<Layer>> REWRITES = Map.of(
            OutputLayer.class, TwinConfigs::outputAsDense,
            LossLayer.class, l -> new ActivationLayer.Builder().activation(((LossLayer) l).getActivationFn())
                    .name(l.getLayerName()).build(),
            DropoutLayer.class, l -> new ActivationLayer.Builder().activation(Activation.IDENTITY)
                    .name(l.getLayerName()).build());

    /** Output layers the twin keeps as they are: their rules compute the output without the loss. */
    private static final java.util.Set<Class<?>> KEPT_OUTPUTS = java.util.Set.of(
            org.deeplearning4j.nn.conf.layers.RnnOutputLayer.class, org.deeplearning4j.nn.conf.layers.RnnLossLayer.class,
            org.deeplearning4j.nn.conf.layers.CnnLossLayer.class, org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer.class);

    private TwinConfigs() {
    }

    /**
     * @param layer    a cloned layer configuration
     * @param position for messages, e.g. "layer 3"
     * @return the configuration the twin uses in its place
     */
    public static Layer rewrite(Layer layer, String position) {
        Refusals.check(layer, position);
        UnaryOperator<Layer> r = REWRITES.get(layer.getClass());
        if (r != null) {
            layer = r.apply(layer);
        } else if (!KEPT_OUTPUTS.contains(layer.getClass()) && (layer instanceof BaseOutputLayer
                || layer.getClass().getSimpleName().endsWith("LossLayer"))) {
            throw new UnsupportedOperationException(position + " is a " + layer.getClass().getSimpleName()
                    + ", an output layer ntk4j does not know: use OutputLayer, LossLayer, RnnOutputLayer, RnnLossLayer,"
                    + " CnnLossLayer or Cnn3DLossLayer with the same activation");
        }
        stripNoise(layer);
        return layer;
    }

    private static void stripNoise(Layer layer) {
        layer.setIDropout(null);
        if (layer instanceof BaseLayer b) {
            b.setWeightNoise(null);
        }
        if (layer instanceof BaseWrapperLayer w && w.getUnderlying() != null) {
            stripNoise(w.getUnderlying());
        }
    }

    private static Layer outputAsDense(Layer l) {
        OutputLayer o = (OutputLayer) l;
        DenseLayer d = new DenseLayer.Builder().nIn(o.getNIn()).nOut(o.getNOut()).activation(o.getActivationFn())
                .hasBias(o.hasBias()).name(o.getLayerName()).build();
        d.setIUpdater(o.getIUpdater());
        d.setBiasUpdater(o.getBiasUpdater());
        return d;
    }
}
