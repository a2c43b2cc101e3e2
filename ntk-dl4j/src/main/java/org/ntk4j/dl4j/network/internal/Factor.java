package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One parameter unit's contribution to the NTK, for one block of examples, in a form that can be contracted with
 * the same unit's factor of another block.
 */
public interface Factor {
    /**
     * @param other the same unit's factor on the second block
     * @return {@code [n1, n2]}: {@code Σ_k Θ_unit[i, j, k, k]} (a sum over outputs, not the mean)
     */
    INDArray traceSum(Factor other);

    /**
     * @param other the same unit's factor on the second block
     * @return {@code [n1·o, n2·o]} example-major
     */
    INDArray full(Factor other);

    /** @return bytes held by this factor */
    long bytes();
}
