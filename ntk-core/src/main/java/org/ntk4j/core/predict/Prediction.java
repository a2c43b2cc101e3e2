package org.ntk4j.core.predict;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Outputs of the linearized network (or of kernel regression) on the training set and, optionally, on a test set.
 *
 * @param train {@code [n, o]} outputs on the training inputs
 * @param test  {@code [nt, o]} outputs on the test inputs, or {@code null} when no test set was given
 */
public record Prediction(INDArray train, INDArray test) {
}
