package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.buffer.DataType;

import java.util.List;

/**
 * A network as the NTK engine sees it: its units in topological order over a private twin that shares the original's
 * parameter array (never written), the number of input arrays, the value ids of its outputs.
 *
 * @param kind       "MultiLayerNetwork" or "ComputationGraph", for messages
 * @param units      units in topological order; unit {@code u} writes value {@code numInputs + u}
 * @param numInputs  number of network input arrays
 * @param outputIds  value ids of the network outputs, in the network's order ({@code setOutputs} for a graph)
 * @param outputNames names of the outputs, for messages and selection
 * @param outputLayouts how each output's entries are numbered (for reports)
 * @param outputTimeAxes per output, the time axis of a sequence output (1 or 2), 0 when unknown
 * @param dataType   the network's data type
 * @param numParams  number of NTK parameters (trainable entries)
 * @param inputShapes expected shape of each input without the example dimension, where known (entries -1 unknown),
 *                    null where unknown altogether
 */
public record ComputePlan(String kind, List<Unit> units, int numInputs, int[] outputIds, List<String> outputNames, List<String> outputLayouts, int[] outputTimeAxes, DataType dataType, long numParams,
                          long[][] inputShapes) {
    /**
     * @param names output names, or null/empty for all
     * @return the value ids of those outputs, in the given order
     * @throws IllegalArgumentException naming the unknown output and the known ones
     */
    public int[] select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return outputIds;
        }
        int[] r = new int[names.size()];
        for (int i = 0; i < r.length; i++) {
            int k = outputNames.indexOf(names.get(i));
            if (k < 0) {
                throw new IllegalArgumentException("the " + kind + " has no output '" + names.get(i) + "'; its outputs are "
                        + outputNames);
            }
            r[i] = outputIds[k];
        }
        return r;
    }
}
