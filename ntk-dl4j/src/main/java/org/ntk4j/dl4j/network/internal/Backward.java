package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The result of a unit's backward step on one block.
 *
 * @param inputEps stacked epsilons {@code [n·o, ...]} w.r.t. each input of the unit (an entry may be null when not needed)
 * @param factor   the unit's kernel factor, null when it has no trainable parameter
 */
public record Backward(INDArray[] inputEps, Factor factor) {
}
