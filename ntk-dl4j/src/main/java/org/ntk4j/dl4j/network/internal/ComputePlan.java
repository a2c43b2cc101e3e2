package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

/**
 * A network as the NTK engine sees it: its units in topological order over a private twin that shares the original's
 * parameter array (never written), the number of input arrays, the value id of the single output.
 *
 * @param kind       "MultiLayerNetwork" or "ComputationGraph", for messages
 * @param units      units in topological order; unit {@code u} writes value {@code numInputs + u}
 * @param numInputs  number of network input arrays
 * @param outputId   value id of the network output
 * @param dataType   the network's data type
 * @param numParams  number of NTK parameters (trainable entries)
 * @param inputShapes expected shape of each input without the example dimension, where known (entries -1 unknown),
 *                    null where unknown altogether
 */
public record ComputePlan(String kind, List<Unit> units, int numInputs, int outputId, DataType dataType, long numParams,
                          long[][] inputShapes) {
}
