package org.ntk4j.dl4j.network.internal;

import java.util.Map;

/**
 * Layer configuration classes the engine refuses, each with the reason and what to do instead. Keyed by the exact
 * DL4J configuration class; checked for every layer (wrapped ones included) before a plan is built.
 */
public final class Refusals {
    private static final Map<Class<?>, String> REASONS = Map.ofEntries(
            Map.entry(org.deeplearning4j.nn.conf.layers.LearnedSelfAttentionLayer.class,
                    "DL4J 1.0.0-M2.1 cannot run its forward pass (its scatter_update op fails in the layer's own"
                            + " SameDiff graph, in net.output too); use SelfAttentionLayer followed by pooling"),
            Map.entry(org.deeplearning4j.nn.conf.layers.CenterLossOutputLayer.class,
                    "its centre parameters belong to the loss, not to the output; use an OutputLayer with the same"
                            + " activation for the kernel"),
            Map.entry(org.deeplearning4j.nn.conf.ocnn.OCNNOutputLayer.class,
                    "its one-class objective defines no network output of its own; use an OutputLayer"),
            Map.entry(org.deeplearning4j.nn.conf.layers.objdetect.Yolo2OutputLayer.class,
                    "its output is a detection decoding, not a differentiable regression output; take the kernel of"
                            + " the convolution layer below it (use a CnnLossLayer with identity activation)"),
            Map.entry(org.deeplearning4j.nn.conf.layers.samediff.SameDiffOutputLayer.class,
                    "its output is defined together with its loss inside one SameDiff graph; use a SameDiffLayer"
                            + " for the computation followed by an OutputLayer or LossLayer"),
            Map.entry(org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder.class,
                    "its output is a sample of a stochastic encoder (pretraining layer); use DenseLayers"),
            Map.entry(org.deeplearning4j.nn.conf.layers.SpaceToBatchLayer.class,
                    "it moves spatial blocks into the example dimension, so an output row is no longer one example;"
                            + " use SpaceToDepthLayer"),
            Map.entry(org.deeplearning4j.nn.conf.layers.AutoEncoder.class,
                    "it is an unsupervised pretraining layer with input corruption; use a DenseLayer"));

    private Refusals() {
    }

    /** @return the reason a layer configuration class is refused, or null when it is supported */
    public static String reason(Class<?> layerConfigClass) {
        return REASONS.get(layerConfigClass);
    }

    /**
     * @param conf     a layer configuration
     * @param position for messages, e.g. "layer 3 ('dense')"
     * @throws UnsupportedOperationException naming the layer and the reason when it is refused
     */
    public static void check(org.deeplearning4j.nn.conf.layers.Layer conf, String position) {
        for (org.deeplearning4j.nn.conf.layers.Layer l = conf; l != null; l = LayerRules.unwrap(l)) {
            String r = reason(l.getClass());
            if (r != null) {
                throw new UnsupportedOperationException(position + " is a " + l.getClass().getSimpleName()
                        + ", which ntk4j does not support: " + r);
            }
        }
    }
}
