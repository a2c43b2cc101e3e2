package org.ntk4j.dl4j.network;

import org.nd4j.linalg.api.buffer.DataType;
import org.ntk4j.dl4j.network.internal.ComputePlan;

/**
 * What the NTK engine needs of a DL4J network, one implementation per network kind (MultiLayerNetwork,
 * ComputationGraph). Obtain one with {@link NetworkAdapters#of(org.deeplearning4j.nn.api.Model)}.
 * Adapters never modify the network: they read its configuration and its parameter array.
 */
public interface NetworkAdapter {
    /** @return the network's data type (DL4J networks default to FLOAT) */
    DataType dataType();

    /** @return the number of input arrays (1 for a MultiLayerNetwork) */
    int numInputs();

    /**
     * Builds the engine's view of the network over a private twin that shares the network's parameter array: the
     * kernel is of the parameters as they are at the time of the call.
     *
     * @return the plan (internal type)
     */
    ComputePlan plan();
}
