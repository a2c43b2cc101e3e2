package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The inference-mode output of a unit on one block, and whatever the unit keeps for its backward step.
 *
 * @param output {@code [n, ...]}
 * @param cache  rule-specific (for example a dense layer's pre-activation), may be null
 */
public record Forward(INDArray output, Object cache) {
}
