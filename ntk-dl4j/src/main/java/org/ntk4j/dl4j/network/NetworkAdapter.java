package org.ntk4j.dl4j.network;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.ntk4j.dl4j.network.internal.ComputePlan;

/**
 * What ntk4j needs of a DL4J network, one implementation per network kind (MultiLayerNetwork, ComputationGraph):
 * the NTK engine's plan, and what the linearized network needs (a private copy, inference outputs, the output layer,
 * the layers, a tag for saved files). Obtain one with {@link NetworkAdapters#of(org.deeplearning4j.nn.api.Model)}.
 * Adapters never modify the network: they read its configuration and its parameter array.
 */
public interface NetworkAdapter {
    /** @return the network's data type (DL4J networks default to FLOAT) */
    DataType dataType();

    /** @return the number of input arrays (1 for a MultiLayerNetwork) */
    int numInputs();

    /** @return the number of output arrays (1 for a MultiLayerNetwork) */
    int numOutputs();

    /**
     * Builds the engine's view of the network over a private twin that shares the network's parameter array: the
     * kernel is of the parameters as they are at the time of the call.
     *
     * @return the plan (internal type)
     */
    ComputePlan plan();

    /** @return the adapted network (a MultiLayerNetwork or a ComputationGraph) */
    Model model();

    /** @return an adapter of a deep copy of the network (parameters included) */
    NetworkAdapter copy();

    /**
     * Inference-mode output of a network with one input and one output array.
     *
     * @param x features {@code [n, ...]}
     * @return {@code net.output(x)}, e.g. {@code [n, o]}
     * @throws IllegalArgumentException when the network has several inputs or outputs
     */
    INDArray output(INDArray x);

    /** @return the configuration of the (first) output layer */
    org.deeplearning4j.nn.conf.layers.Layer outputLayerConf();

    /** @return the network's layers */
    Layer[] layers();

    /** @return the network kind's tag, as stored in saved files ({@link NetworkAdapters#restore}) */
    String kind();
}
