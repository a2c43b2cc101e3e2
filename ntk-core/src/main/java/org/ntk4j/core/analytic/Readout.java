package org.ntk4j.core.analytic;

/**
 * How a convolutional stack's last activations {@code h [C, H, W]} reach its first dense layer, which decides what the
 * recursion must carry.
 */
public enum Readout {
    /**
     * All {@code C·H·W} entries feed the dense layer (fan-in {@code C·H·W}; DL4J's {@code CnnToFeedForwardPreProcessor}).
     * The dense layer pairs entry {@code (c, p)} of {@code x} only with entry {@code (c, p)} of {@code x'}, so only the
     * covariances of equal pixels are needed: {@code O(HW·k²)} per example pair and layer (without pooling layers).
     */
    FLATTEN,
    /**
     * The mean over pixels of each channel (fan-in {@code C}; DL4J's {@code GlobalPoolingLayer} AVG): every pixel pair
     * contributes, so the full pixel-by-pixel covariance is carried, {@code O((HW)²·k²)} per example pair and layer.
     */
    GLOBAL_AVERAGE,
    /** The sum over pixels of each channel (DL4J's {@code GlobalPoolingLayer} SUM): as {@link #GLOBAL_AVERAGE}, times {@code (HW)²}. */
    GLOBAL_SUM
}
