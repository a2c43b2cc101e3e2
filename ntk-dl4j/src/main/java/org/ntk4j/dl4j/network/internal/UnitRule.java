package org.ntk4j.dl4j.network.internal;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How one unit of a network (a layer, an input preprocessor, a graph vertex) runs forward in inference mode and
 * propagates stacked epsilons backward, and what it contributes to the NTK. One implementation per layer kind.
 */
public interface UnitRule {
    /**
     * @param inputs the unit's inputs on one block, {@code [n, ...]} each; never modified
     * @return the inference-mode output and the rule's cache
     */
    Forward forward(INDArray[] inputs);

    /**
     * @param inputs       the same inputs as the forward call
     * @param fwd          what {@link #forward} returned
     * @param eps          stacked example-major gradients of the outputs w.r.t. this unit's output, {@code [n·o, ...]}
     * @param outputs      o
     * @param mode         which kind of factor to produce
     * @param needInputEps whether the epsilons w.r.t. the inputs are needed (false below the last parameter)
     * @return input epsilons and the factor (null without trainable parameters)
     */
    Backward backward(INDArray[] inputs, Forward fwd, INDArray eps, int outputs, ParamMode mode, boolean needInputEps);

    /**
     * Called once per block before {@link #forward}: the feature masks reaching the unit's inputs.
     *
     * @param inputMasks per input, {@code [n, T]} or null
     * @param n          examples in the block
     * @return the mask of the unit's output (null for none); the default accepts no mask
     * @throws UnsupportedOperationException when a mask reaches a unit that cannot apply it
     */
    default INDArray mask(INDArray[] inputMasks, long n) {
        for (INDArray m : inputMasks) {
            if (m != null) {
                throw new UnsupportedOperationException("a feature mask reaches it, and ntk4j applies masks only in"
                        + " recurrent, attention, pooling, wrapper and per-time-step output layers; pool or take the"
                        + " last time step before feed-forward layers");
            }
        }
        return null;
    }

    /** @return whether the unit holds trainable parameters (that is, contributes to Θ) */
    boolean hasParameters();

    /** @return whether this unit uses a structured rule (for reporting) */
    default boolean structured() {
        return false;
    }
}
